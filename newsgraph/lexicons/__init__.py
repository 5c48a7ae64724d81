"""Shared word lists and tables every stage reads: places, the event vocabulary, label polarity.

This is the ground floor: it imports nothing from the rest of newsgraph, so any
stage, store query or output may use it without an import pointing up a floor.
"""
