"""Words that attribute content to a source, with the kind of attribution each makes.

Hand-written lists: the attribution cues follow what attribution-annotated news
(PolNeAR) counts as an attribution (speech, beliefs, claims, denials,
endorsements, reports). First-name genders come from ``lexicons.coref``.

"read voice reference allude articulate recite proclaim order persuade", "envision", "imply speculate deem forecast",
"refuse" and "rail assail chide bemoan deride vouch lash acquiesce" were added on 2026-12-05 from the PolNeAR train
split: each verb's new predictions matched a gold attribution at least as often as the system's own precision (85%;
README, *Cue verbs of the tail*). "Refuse" is a cue only of a refused cue ("refused to say …", ``quotes._REFUSALS``):
in every frame 54 of its 65 predictions matched (83%), with a cue to refuse 29 of 30. Verbs that head many gold cues
but fall short are left out: "threaten" (84%), "recognize" (83%), "remember" (81%), "plan" (72%), "intend" (74%),
"learn" (72%), "decide" (47%), "see" (52%), "aim" (56%): PolNeAR annotates a plan or a decision mostly when it is
said, less often when it is done, and the verb alone does not tell the two apart. "See" was added on 2026-12-07 as a
cue only of "sees X as Y" (``quotes._AS_CUES``): 35 of its 42 predictions on train matched (83%); "identify",
likewise only as "identified X as Y" (a claim), 5 of 5.
"""

from __future__ import annotations

import functools

ATTRIBUTIONS = ("speech", "belief", "claim", "denial", "endorsement", "report")

_CUES = {
    "speech": """say tell add note explain state announce ask reply respond remark write tweet post recall describe mention
        discuss talk speak refer comment testify declare continue joke quip promise vow pledge warn urge predict acknowledge
        admit confirm reveal disclose suggest propose insist repeat stress emphasize emphasise highlight lament complain boast
        caution concede reiterate answer shout yell exclaim whisper cite quote recount recommend demand plead announce
        brag muse wonder inform assure advise signal hint retort counter observe put point echo express offer address name
        focus call label brand dub remind detail outline list
        read voice reference allude articulate recite proclaim order persuade""",
    "belief": """believe think feel hope fear expect worry know doubt want wish assume consider suspect view regard imagine
        understand realize realise guess reckon presume trust seem appear seek envision see""",
    "claim": """claim argue contend maintain assert allege accuse charge conclude blame predict estimate calculate insist
        imply speculate deem forecast identify""",
    "denial": """deny reject dismiss dispute refute rebut disavow decline repudiate contradict refuse""",
    "endorsement": """endorse back support praise favor favour prefer defend oppose criticize criticise condemn attack slam
        applaud welcome embrace champion laud hail thank credit question challenge agree disagree approve denounce decry
        celebrate congratulate fault knock blast mock ridicule vote tout hammer rip bash lambaste rail assail chide bemoan
        deride vouch lash acquiesce""",
    "report": """report show find indicate document project reveal""",
}
# Cues whose direct object is who hears, not what is said: "told reporters", "urged Congress", "thanked the voters".
ADDRESSEE_CUES = frozenset({"tell", "ask", "inform", "assure", "advise", "remind", "warn", "urge", "thank", "congratulate"})
# Nouns whose subject position makes an attribution a report: "the poll showed", "a report by X found".
DOCUMENT_NOUNS = frozenset("""report statement study survey poll polls article analysis interview letter op-ed editorial data
    document documents filing filings records memo email emails release survey findings research audit review results
    ad advertisement book story tweet post video transcript""".split())


@functools.lru_cache(maxsize=1)
def cue_kinds() -> dict[str, str]:
    """Verb lemma -> attribution kind; a lemma listed under two kinds keeps the later, more specific one."""
    out: dict[str, str] = {}
    for kind in ATTRIBUTIONS:
        for word in _CUES[kind].split():
            out[word] = kind
    for word in ("reveal", "suggest", "estimate", "predict", "insist"):
        out[word] = {"reveal": "report", "suggest": "speech", "estimate": "claim", "predict": "claim", "insist": "claim"}[word]
    return out
