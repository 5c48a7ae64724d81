"""The model's rule components, made cheap: the same annotations for a fraction of their cost.

**The attribute ruler, compiled to a lookup table.**

spaCy's ``AttributeRuler`` hands its patterns to a ``Matcher``, which tries every pattern at every token:
en_core_web_sm's 179 patterns cost about a tenth of the whole parse on news text. Its patterns are one or two
tokens long and test only a token's tag, lower-case form, dependency label and whether it is space, so the
patterns that match at a token can be worked out once per combination of those four values and kept.

The table gives exactly what the ruler gives (a test compares every token's annotations on whole corpora):
- the matches are found on the tokens as they were before any pattern set anything (the ruler matches first);
- a token's attributes are those of every pattern that matched it, applied in the order the patterns were
  added, so a later pattern overrides an earlier one (the ruler sorts its matches by pattern number);
- they are set with spaCy's own ``set_token_attrs``, as the ruler sets them.

A model whose ruler uses anything else (other token attributes, operators, longer patterns) keeps its ruler:
``compile_ruler`` returns None and the pipeline is left as the model made it.

**The lemmatizer, with one lemma per word form.** spaCy's rule lemmatizer builds a Token for every token of every
document and looks its (form, part of speech, morphology) up in its cache, working the lemma out on a miss; words
the cache does not keep (base forms) are worked out again each time. Those three values decide the lemma, so
`LemmaMemo` keeps every answer per combination and sets a document's lemmas from its token array in one call,
asking the model's own lemmatizer only for combinations it has not seen. About 4% of the parse, down to a few
tenths of a percent. For those it has not seen, the lemmatizer's word index is made a set (see `_index_as_sets`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.errors import Errors
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")  # the token attributes a compiled pattern may test, in `_ARRAY` order
_ARRAY = [TAG, LOWER, DEP, IS_SPACE]
_PREDICATES = {"IN", "NOT_IN", "REGEX"}


class _Unsupported(Exception):
    pass


class RulerNotCompiled(ValueError):
    """The attribute ruler's patterns use what the table does not read."""


class _AttributeIndex:
    """The pattern tokens' checks on one token attribute, indexed: `mask(value)` has the bit of every pattern token
    whose check the value passes (or that does not check this attribute), found with one dictionary lookup plus
    the few negated and regular-expression checks, not by running every check."""

    def __init__(self, key: str):
        self.key = key
        self.free = 0
        self.equal: dict = {}
        self.not_in: list[tuple[frozenset, int]] = []
        self.regex: list[tuple[object, int]] = []

    def add(self, bit: int, value) -> None:
        if value is None:
            self.free |= 1 << bit
            return
        if isinstance(value, dict):
            if len(value) != 1 or next(iter(value)) not in _PREDICATES:
                raise _Unsupported(f"{self.key}: {value!r}")
            (op, arg), = value.items()
            if op == "REGEX":
                self.regex.append((re.compile(arg).search, 1 << bit))
                return
            if not isinstance(arg, (list, tuple)) or any(isinstance(a, (dict, list, set)) for a in arg):
                raise _Unsupported(f"{self.key}: {value!r}")
            if op == "NOT_IN":
                self.not_in.append((frozenset(arg), 1 << bit))
                return
            members = set(arg)
        elif isinstance(value, (list, set, tuple)):
            raise _Unsupported(f"{self.key}: {value!r}")
        else:
            members = {value}
        for member in members:
            self.equal[member] = self.equal.get(member, 0) | 1 << bit

    def mask(self, value) -> int:
        found = self.free | self.equal.get(value, 0)
        for members, bit in self.not_in:
            if value not in members:
                found |= bit
        for search, bit in self.regex:
            if search(value) is not None:
                found |= bit
        return found


@dataclass(frozen=True, slots=True)
class _Pattern:
    number: int  # the order the ruler added it in: later patterns override earlier ones
    slots: tuple  # the bit of each of its tokens' checks in a token's match mask
    index: int  # which of the matched tokens gets the attributes (0 or 1)
    attrs: dict  # normalized as the ruler keeps them (attribute ids to values)


class AttributeTable:
    """The compiled ruler: `__call__` annotates a Doc as the ruler would.

    Each token of each pattern is a bit. A token's mask has the bits of the pattern tokens it satisfies: the AND of
    one mask per attribute value (each value is checked against the patterns once per process), so a new word costs
    one pass over the patterns that test words, not over all of them.
    """

    def __init__(self, ruler: AttributeRuler):
        self.vocab = ruler.vocab
        self.indexes = [_AttributeIndex(key) for key in _KEYS]
        bits = 0
        singles, pairs = [], []
        for number, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices)):
            for pattern in ruler.matcher.get(ruler.vocab.strings[str(number)])[1]:
                if len(pattern) not in (1, 2) or not (-len(pattern) <= index < len(pattern)):
                    raise _Unsupported(f"pattern of {len(pattern)} tokens, index {index}")
                slots = []
                for spec in pattern:
                    if not isinstance(spec, dict) or not spec or any(k not in _KEYS for k in spec):
                        raise _Unsupported(repr(spec))
                    for index_of_key in self.indexes:
                        index_of_key.add(bits, spec.get(index_of_key.key))
                    slots.append(bits)
                    bits += 1
                compiled = _Pattern(number, tuple(slots), index % len(pattern), attrs)
                (singles if len(pattern) == 1 else pairs).append(compiled)
        self.singles = singles
        self.pairs = pairs
        self._by_value: list[dict] = [{} for _ in _KEYS]
        self._by_key: dict[tuple, tuple] = {}
        self._by_mask: dict[int, tuple] = {}

    def _value_mask(self, k: int, value: int) -> int:
        mask = self.indexes[k].mask(bool(value) if _KEYS[k] == "IS_SPACE" else self.vocab.strings[value])
        self._by_value[k][value] = mask
        return mask

    def _mask_entry(self, mask: int) -> tuple:
        """What a token with this mask gets from one-token patterns (numbers and attributes, in order), and which
        two-token patterns it can start and end."""
        single = [(p.number, p.attrs) for p in self.singles if mask >> p.slots[0] & 1]
        first = frozenset(n for n, p in enumerate(self.pairs) if mask >> p.slots[0] & 1)
        second = frozenset(n for n, p in enumerate(self.pairs) if mask >> p.slots[1] & 1)
        entry = self._by_mask[mask] = (single, first, second, _merged(single))
        return entry

    def _entry(self, key: tuple) -> tuple:
        mask = -1
        for k, value in enumerate(key):
            found = self._by_value[k].get(value)
            mask &= found if found is not None else self._value_mask(k, value)
        entry = self._by_key[key] = self._by_mask.get(mask) or self._mask_entry(mask)
        return entry

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        seen, entry = self._by_key, self._entry
        rows = [seen.get(key) or entry(key) for key in map(tuple, doc.to_array(_ARRAY).tolist())]
        extra: dict[int, list] = {}
        if self.pairs:
            for i in range(len(rows) - 1):
                for n in rows[i][1] & rows[i + 1][2]:
                    p = self.pairs[n]
                    extra.setdefault(i + p.index, []).append((p.number, p.attrs))
        for i, (single, _, _, attrs) in enumerate(rows):
            if i in extra:
                attrs = _merged(sorted(single + extra[i], key=lambda m: m[0]))
            if attrs is not None:
                set_token_attrs(doc[i], attrs)
        return doc


def _merged(found: list) -> dict | None:
    """The attributes of patterns matched at one token, in pattern order: a later pattern overrides an earlier one."""
    if not found:
        return None
    if len(found) == 1:
        return found[0][1]
    attrs: dict = {}
    for _, a in found:
        attrs.update(a)
    return attrs


def compile_ruler(ruler: AttributeRuler) -> AttributeTable | None:
    """The ruler as a table, or None when its patterns use what the table does not read."""
    try:
        return AttributeTable(ruler)
    except _Unsupported:
        return None


@Language.factory(
    "newsgraph_attribute_table",
    assigns=["token.tag", "token.pos", "token.morph", "token.lemma", "token.dep"],
)
def make_attribute_table(nlp: Language, name: str) -> AttributeTable:
    """The compiled form of the pipeline's `attribute_ruler` (see `use_attribute_table`)."""
    table = compile_ruler(nlp.get_pipe("attribute_ruler"))
    if table is None:
        raise RulerNotCompiled("the attribute ruler's patterns cannot be compiled to a table")
    return table


def use_attribute_table(nlp: Language) -> bool:
    """Swap the model's attribute ruler for its compiled table, in place, under the same name; False when the
    ruler is kept (no ruler, a ruler of another kind, or patterns the table does not read)."""
    if "attribute_ruler" not in nlp.pipe_names or type(nlp.get_pipe("attribute_ruler")) is not AttributeRuler:
        return False
    try:
        nlp.add_pipe("newsgraph_attribute_table", name="attribute_table", after="attribute_ruler")
    except RulerNotCompiled:
        return False
    nlp.remove_pipe("attribute_ruler")
    nlp.rename_pipe("attribute_table", "attribute_ruler")
    return True


class LemmaMemo:
    """The model's lemmatizer with its answers kept per (form, part of speech, morphology); see the module text."""

    def __init__(self, lemmatizer: Lemmatizer):
        self.lemmatizer = lemmatizer
        self._lemma: dict[tuple[int, int, int], int] = {}
        _index_as_sets(lemmatizer)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        lemmatizer = self.lemmatizer
        if not lemmatizer._validated:
            lemmatizer._validate_tables(Errors.E1004)
        keep = not lemmatizer.overwrite
        strings, known = doc.vocab.strings, self._lemma
        table = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = table[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(table.tolist()):
            if lemma and keep:
                continue
            key = (orth, pos, morph)
            found = known.get(key)
            if found is None:
                found = strings.add(lemmatizer.lemmatize(doc[i])[0])
                if pos:  # a token without a part of speech makes the lemmatizer warn each time: left to it
                    known[key] = found
            lemmas[i] = found
        doc.from_array([LEMMA], lemmas)
        return doc


class _IndexList(list):
    """A word list that answers `in` from a set: the same list to everything else (saving the lookups included)."""

    __slots__ = ("_members",)

    def __init__(self, items):
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item) -> bool:
        return item in self._members


def _index_as_sets(lemmatizer: Lemmatizer) -> None:
    """The rule lemmatizer's word index per part of speech answers `in` from a set.

    For a word it has not seen, the rule lemmatizer tests each form its suffix rules make with `form in index`, and
    en_core_web_sm keeps that index as lists (57,528 nouns): a scan of the whole list per rule per new word, about
    7% of the build's parse on 320 BBC texts from a cold start. Membership is all it asks of the index, so the
    lemmas are the same.
    """
    if lemmatizer.mode != "rule" or not lemmatizer.lookups.has_table("lemma_index"):
        return
    index = lemmatizer.lookups.get_table("lemma_index")
    for key in list(index.keys()):
        if type(index[key]) is list:
            index[key] = _IndexList(index[key])


@Language.factory("newsgraph_lemma_memo", assigns=["token.lemma"])
def make_lemma_memo(nlp: Language, name: str) -> LemmaMemo:
    """The pipeline's `lemmatizer` with its answers kept (see `use_lemma_memo`)."""
    return LemmaMemo(nlp.get_pipe("lemmatizer"))


def use_lemma_memo(nlp: Language) -> bool:
    """Wrap the model's lemmatizer in `LemmaMemo`, in place, under the same name; False when it is left as it is
    (no lemmatizer, one of another kind, or a mode whose lemma may depend on more than the three values)."""
    if "lemmatizer" not in nlp.pipe_names:
        return False
    lemmatizer = nlp.get_pipe("lemmatizer")
    if type(lemmatizer) not in (Lemmatizer, EnglishLemmatizer) or lemmatizer.mode not in ("rule", "lookup"):
        return False
    nlp.add_pipe("newsgraph_lemma_memo", name="lemma_memo", after="lemmatizer")
    nlp.remove_pipe("lemmatizer")
    nlp.rename_pipe("lemma_memo", "lemmatizer")
    return True
