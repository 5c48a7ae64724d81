"""Technique training and scoring: the PTC reader, the SemEval-2020 Task 11 scorer, the parse cache, model
training with thresholds chosen by cross-validation, and the evaluation commands' code.

Used by the CLI (``newsgraph techniques train|eval``) and tests, never by a build: the build only applies
a trained model through ``newsgraph.techniques``.
"""
