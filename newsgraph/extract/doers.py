"""Who would do what a verb says, where the parse hides it: a construction that the event stage (subjects), the quote
stage (speakers) and coreference ("aid from entering the country") all read, so that they agree on the doer."""

from __future__ import annotations

from spacy.tokens import Token

from newsgraph.lexicons.coref import descriptions
from newsgraph.lexicons.events import HINDER_VERBS, PUSH_INTO_VERBS
from newsgraph.lexicons.lemmas import lemma_of
from newsgraph.lexicons.names import addresses


def would_be_doer(verb: Token) -> Token | None:
    """The object of the verb that pushes somebody into `verb` or keeps them from it: in "intimidate the U.S. into
    backing down", "stopping Guaido and the U.S. from seeking regime change" and "halted U.S. aid from entering the
    country", the one pushed or held back is the one who would act (and speak). None for any other verb, for
    "poured billions into propping up Maduro", whose subject does the propping, and for a reflexive object."""
    prep = verb.head
    if verb.dep_ != "pcomp" or prep.dep_ != "prep" or prep.i == verb.i:
        return None
    governors = HINDER_VERBS if prep.lower_ == "from" else PUSH_INTO_VERBS if prep.lower_ == "into" else frozenset()
    if lemma_of(prep.head) not in governors:
        return None
    held = next((c for c in prep.head.children if c.dep_ == "dobj" and c.i < prep.i), None)
    if held is not None and held.tag_ == "PRP" and held.lower_.endswith(("self", "selves")):
        return None  # "he tricked himself into believing": the subject, named as such
    return held


def name_beside_role(subject: Token) -> Token | None:
    """The person's name that a role subject is written with, where the parser hung it elsewhere: "director of the
    Victims of Crime Trust, Norman Brennan, accused …" (the name taken for a modifier of "Trust"), "Mr Eavis'
    daughter Emily said …". The name is a PERSON entity standing right before the subject's verb, set off by commas
    after the subject's phrase (whose last word is no other person: "his disclosure … by his family's lawyer, John
    D. O'Connor, provoked" names the lawyer) or written right after a head that can be a person ("the team Chuck
    Pagano used to coach" is no person); its last token, or None."""
    verb = subject.head
    if subject.dep_ != "nsubj" or subject.pos_ != "NOUN" or subject.ent_type_ or verb.i <= subject.i or verb.pos_ not in {"VERB", "AUX"}:
        return None
    if any(c.dep_ == "conj" for c in subject.children) or not _may_be_person(subject):
        return None  # "The company and the minister, Pascale Boistard, confirmed"; "a transcript of …, Amelia Laugher, shows"
    kinds = descriptions()
    doc = subject.doc
    j = verb.i - 1
    while j > subject.i and doc[j].pos_ == "ADV":
        j -= 1  # "…, Norman Brennan, yesterday accused"
    comma = doc[j].text == ","
    if comma:
        j -= 1
    name = doc[j]
    if name.pos_ != "PROPN" or j <= subject.i:
        return None
    first = j
    if name.ent_type_ == "PERSON":
        while doc[first].ent_iob_ == "I" and first > subject.i + 1:
            first -= 1  # back to the name's first word
    else:  # a name the NER left untyped, made a person's by a form of address ("…, Dr Vancheshwar, told")
        while first > subject.i + 2 and doc[first - 1].pos_ == "PROPN" and not doc[first - 1].ent_type_ and (
                not addresses(doc[first - 1].text)):
            first -= 1
        if not addresses(doc[first - 1].text):
            return None
    if first > subject.i + 1 and addresses(doc[first - 1].text):
        first -= 1  # "…, Mr Smith, said": the NER's name leaves the form of address out
    if first == subject.i + 1:
        return None if comma else name  # "the lawyer Jane Doe, said" is no apposition
    if not comma or doc[first - 1].text != ",":
        return None
    last = doc[first - 2]
    if last.i != subject.i and kinds.get(last.lemma_.lower(), ("",))[0] == "person":
        return None
    between = doc[subject.i + 1: first - 1]
    if any(t.pos_ in {"VERB", "AUX"} for t in between):
        return None  # "the man who met Ann, John Smith, said": a clause of its own
    return name


# Endings of nouns for people that the descriptions table leaves out ("nephew" and "quarterback" are missed; "the
# biography of …, John Lennon, claims" and "the team Chuck Pagano coached" are kept out).
_PERSON_ENDINGS = ("er", "or", "ist", "ian", "man", "woman", "son", "ant", "ent", "ee")


def _may_be_person(noun: Token) -> bool:
    kind = descriptions().get(noun.lemma_.lower())
    if kind is not None:
        return kind[0] == "person"
    return noun.lower_.endswith(_PERSON_ENDINGS)


_NOUNS = frozenset({"NOUN", "PROPN"})


def orphan_subject(verb: Token) -> Token | None:
    """A noun phrase ending right before a finite verb without a subject, which the parser hung elsewhere: en_core_web_sm
    often attaches the subject of a sentence-initial clause to the phrase before it ("…, the president of Russia
    condemned" as an apposition, "the $17 billion Maduro owes" as a compound, "In a statement issued on Wednesday
    Lord Woolf said" as the object of "on"). The event stage and the quote speakers read it alike."""
    if verb.tag_ not in {"VBD", "VBZ", "VBP"} or verb.i == verb.sent.start:
        return None
    node = verb.doc[verb.i - 1]
    while node.dep_ != "appos" and node.head.i < verb.i and node.head.right_edge.i == verb.i - 1 and node.head != node:
        head = node.head
        inside_np = head.pos_ in _NOUNS or (head.pos_ == "ADP" and head.head.pos_ in _NOUNS and head.head.i < verb.i)
        if not inside_np and node.pos_ in _NOUNS:
            break
        node = head
    if node.pos_ not in _NOUNS or node.dep_ not in {"appos", "compound", "npadvmod", "conj", "pobj"}:
        return None
    if node.head == verb and node.dep_ not in {"compound", "npadvmod"}:
        return None
    return node
