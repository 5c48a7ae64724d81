"""Scoring the real pipeline on annotated corpora: readers for each annotation format, metrics, baselines.

Used by `newsgraph eval …` and by the quality gates in the tests, never by a build.
Each task has its own module (time, coref/ner, quotes, techniques) with a
reader that turns the annotated format into gold records, a function that runs
the per-document pipeline on the same texts, and the scores with a baseline
computed on the same data.
"""
