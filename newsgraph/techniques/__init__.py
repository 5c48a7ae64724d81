"""Propaganda techniques: two engines behind one interface.

- ``rules``: lexicons and spaCy patterns written for newsgraph (``data/``),
  always on, no training data needed.
- ``model``: a linear model trained by ``newsgraph techniques train DIR`` on a
  folder in the Propaganda Techniques Corpus (PTC) layout, saved to
  ``model_path()``; used automatically when that file exists.

Both take a parsed spaCy Doc and return ``Found`` spans in token offsets; the
extraction stage (``newsgraph.extract.techniques``) turns those into
``Technique`` records in original character offsets.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The 14 classes of the PTC (SemEval-2020 Task 11), spelled as in its label files.
TECHNIQUES = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)
ENGINES = ("rules", "model")
MODEL_FILE = "techniques-model.joblib"
ENGINE_ENV = "NEWSGRAPH_TECHNIQUES"  # auto (default) | rules | model | off


@dataclass(frozen=True, slots=True)
class Found:
    """A technique span found in a Doc, in token offsets [start, end)."""

    start: int
    end: int
    technique: str
    engine: str
    score: float


def data_dir() -> Path:
    """The user's newsgraph data folder: $NEWSGRAPH_HOME, else $XDG_DATA_HOME/newsgraph, else ~/.local/share/newsgraph."""
    home = os.environ.get("NEWSGRAPH_HOME")
    if home:
        return Path(home).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "newsgraph"


def model_path() -> Path:
    """Where `techniques train` saves the statistical model and the stage looks for it."""
    return data_dir() / MODEL_FILE


def engine_setting() -> str:
    """Which engines the stage runs, from $NEWSGRAPH_TECHNIQUES (so worker processes inherit it)."""
    value = os.environ.get(ENGINE_ENV, "auto").strip().lower() or "auto"
    return value if value in ("auto", "rules", "model", "off") else "auto"


def find(doc, setting: str | None = None) -> list[Found]:
    """Technique spans in `doc` from the engines `setting` selects.

    ``auto`` runs the rules and, when a trained model is present, the model too;
    both sets are kept, each marked with its engine. The rules' spans are the
    stable signal (the per-outlet summary reads them), the model's are the
    better spans on PTC-like text but fire often on plain reporting as well.
    """
    from newsgraph.techniques import rules

    setting = setting or engine_setting()
    if setting == "off":
        return []
    model = None
    if setting in ("auto", "model") and model_path().exists():  # scikit-learn is imported only when a model exists
        from newsgraph.techniques import statistical

        model = statistical.load()
    if setting == "model":
        if model is None:
            from newsgraph.errors import InputError

            raise InputError(f"no techniques model at {model_path()}: run `newsgraph techniques train DIR` first")
        return model.find(doc)
    rule_result = rules.find_with_hits(doc)
    if model is None:
        return rule_result[0]
    return sorted(rule_result[0] + model.find(doc, rule_result), key=lambda f: (f.start, f.end, f.technique, f.engine))


def fingerprint(setting: str | None = None) -> str:
    """Identifies the lexicons and the model the stage would use, for the build's pipeline version:
    training a new model or editing a lexicon should reprocess documents."""
    import hashlib
    from importlib import resources

    h = hashlib.sha256()
    for p in sorted((resources.files("newsgraph.techniques") / "data").iterdir(), key=lambda p: p.name):
        if p.name.endswith(".txt"):
            h.update(p.name.encode() + p.read_bytes())
    setting = setting or engine_setting()
    model = ""
    if setting in ("auto", "model"):
        try:
            st = model_path().stat()
            model = f"+model-{st.st_size}-{st.st_mtime_ns}"
        except OSError:
            model = ""
    return f"techniques-{setting}-{h.hexdigest()[:10]}{model}"
