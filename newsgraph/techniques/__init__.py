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
from functools import lru_cache
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
SETTINGS = ("auto", "rules", "model", "off")
# What the outputs show by default: a model span scores 0.5 at the threshold cross-validation chose for its
# technique (see statistical.py); rule spans carry their rule's precision measured on PTC (rules.LEXICONS).
# A little above the model's threshold, chosen on 5-fold cross-validation over the 248 ptc-dev articles and the
# share of BBC sentences a model trained on all of them marks (the issue asks for at most one in ten on plain
# reporting): at 0.52 SI F1 0.346, P 0.373, 11.4% of BBC sentences; at 0.55 SI F1 0.333, P 0.388, 8.9%.
# Precision and a sparse page matter more to a reader than the last points of recall. Since model format 6 this is
# the fallback: a model carries the min-score its training chose (with its calm-article prior), and the outputs of a
# store built with it use that one.
DEFAULT_MIN_SCORE = 0.55
# A trained model carries the min-score its training chose (``TechniqueModel.default_min_score``); a build that ran
# one stores it under this key of the store's meta table, and the readers (CLI, report, web) use it when the user
# gives no --min-score (``store.queries.techniques.default_min_score``).
MIN_SCORE_META = "techniques_min_score"


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


MODEL_ENV = "NEWSGRAPH_TECHNIQUES_MODEL"  # a model file chosen for this build (`newsgraph build --techniques-model`)


def model_path() -> Path:
    """Where the stage looks for the statistical model: $NEWSGRAPH_TECHNIQUES_MODEL when set, else where
    `techniques train` saves it."""
    chosen = os.environ.get(MODEL_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return default_model_path()


def default_model_path() -> Path:
    """Where `techniques train` saves the statistical model."""
    return data_dir() / MODEL_FILE


@dataclass(frozen=True, slots=True)
class TechniqueOptions:
    """What the techniques stage runs: explicit, so nothing deep inside a build reads the environment.

    `engine`: ``auto`` (rules, plus the model when one is given), ``rules``,
    ``model`` or ``off``. `model`: the model file; None means no model. The
    default runs the rules alone; the build's ``AnalysisOptions.from_environment()``
    names the model file in the data folder.
    """

    engine: str = "auto"
    model: str | Path | None = None

    def __post_init__(self):
        if self.engine not in SETTINGS:
            raise ValueError(f"techniques engine must be one of {', '.join(SETTINGS)}, not {self.engine!r}")

    def load_model(self):
        """The model these options name, loaded (cached per file version); None when they name none."""
        if self.engine in ("rules", "off") or self.model is None:
            return None
        from newsgraph.techniques import statistical

        model = statistical.load(Path(self.model))
        if model is None:
            from newsgraph.errors import InputError

            raise InputError(f"no usable techniques model at {self.model}: run `newsgraph techniques train DIR` first")
        if model.meta.get("encoder") or model.meta.get("tagger"):
            from newsgraph.techniques import encoder

            if not encoder.available():
                from newsgraph.errors import InputError

                what = "a token tagger fine-tuned from " + encoder.NAME if model.meta.get("tagger") else encoder.NAME + " token vectors"
                raise InputError(f"the techniques model at {self.model} reads {what}, and the "
                                 "optional encoder is not installed: `pip install newsgraph[encoder]`, or train a "
                                 "model without it")
        return model


def default_min_score(options: TechniqueOptions | None = None) -> float:
    """The min-score the outputs use by default for what `options` run: the model's own, chosen when it was trained,
    else ``DEFAULT_MIN_SCORE``."""
    model = (options or TechniqueOptions()).load_model()
    return DEFAULT_MIN_SCORE if model is None else model.default_min_score


def find(doc, options: TechniqueOptions | None = None) -> list[Found]:
    """Technique spans in `doc` from the engines `options` select (default: the rules alone).

    With a model and engine ``auto`` both sets are kept, each marked with its
    engine: the rules' spans are the stable signal (the per-outlet summary reads
    them), the model's are the better spans on PTC-like text.
    """
    from newsgraph.techniques import rules

    options = options or TechniqueOptions()
    if options.engine == "off":
        return []
    model = options.load_model()  # scikit-learn is imported only when there is a model
    if options.engine == "model":
        if model is None:
            from newsgraph.errors import InputError

            raise InputError("the techniques engine is 'model' but no model was given: run `newsgraph techniques train DIR` first")
        return model.find(doc)
    rule_result = rules.find_with_hits(doc)
    if model is None:
        return rule_result[0]
    return sorted(rule_result[0] + model.find(doc, rule_result), key=lambda f: (f.start, f.end, f.technique, f.engine))


@lru_cache(maxsize=8)
def _model_digest(path: str, size: int, mtime_ns: int) -> str:
    """The model file's bytes, hashed: a model copied or touched is the same model, and reprocesses nothing (20 MB
    hash in about 40 ms; kept per size and mtime, so a build hashes it once)."""
    import hashlib

    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()[:16]


def fingerprint(options: TechniqueOptions | None = None) -> str:
    """Identifies the lexicons and the model the stage would use, for the build's pipeline version:
    training a new model or editing a lexicon should reprocess documents."""
    import hashlib
    from importlib import resources

    options = options or TechniqueOptions()
    h = hashlib.sha256()
    for p in sorted((resources.files("newsgraph.techniques") / "data").iterdir(), key=lambda p: p.name):
        if p.name.endswith(".txt"):
            h.update(p.name.encode() + p.read_bytes())
    model = ""
    if options.engine in ("auto", "model") and options.model is not None:
        try:
            st = Path(options.model).stat()
            model = f"+model-{_model_digest(str(options.model), st.st_size, st.st_mtime_ns)}"
        except OSError:
            model = "+model-missing"
    # what runs, not how it was asked for: "auto" without a model file is the rules alone
    engine = "rules" if options.engine == "auto" and options.model is None else options.engine
    return f"techniques-{engine}-{h.hexdigest()[:10]}{model}"
