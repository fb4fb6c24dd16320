"""The scan document's printer: the very text `json.dumps(indent=2, ensure_ascii=False)` prints."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golive_tui.core.scan import jsontext

# Strings the separators and brackets could be confused with, control characters, quotes,
# backslashes, non-ASCII text and lone surrogates, besides whatever hypothesis draws.
TRICKY = [
    "",
    "}",
    "{",
    "},\n    {",
    '"},\n      {"',
    ",\n",
    "\n",
    "\\",
    '"',
    "\x00\x1f\x7f",
    "é — ☃ 😀",
    "\ud800",
    "\u2028\u2029",
    "[]{}",
    ": ",
]
texts = st.one_of(st.sampled_from(TRICKY), st.text())
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
)
flat_records = st.lists(st.dictionaries(texts, scalars, min_size=1), min_size=1)
documents = st.recursive(
    st.one_of(scalars, flat_records),
    lambda inner: st.one_of(
        st.lists(inner),
        st.lists(inner).map(tuple),
        st.dictionaries(texts, inner),
        flat_records,
        st.lists(st.one_of(st.dictionaries(texts, inner, min_size=1), flat_records)),
    ),
    max_leaves=16,
)


def _reference(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


@settings(max_examples=200, deadline=None)
@given(documents)
def test_prints_what_json_dumps_prints(document: Any) -> None:
    assert jsontext.dumps(document) == _reference(document)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(texts, documents, max_size=3))
def test_a_document_prints_the_same_at_any_depth(document: Any) -> None:
    nested = {"a": [{"b": {"c": [document]}}]}
    assert jsontext.dumps(nested) == _reference(nested)


class Kind(enum.StrEnum):
    A = "a"


class Number(enum.IntEnum):
    ONE = 1


class Real(float):
    pass


@pytest.mark.parametrize(
    "document",
    [
        {},
        [],
        {"a": {}, "b": [], "c": [[], {}], "d": [{}]},
        [{"a": 1}, {}, {"b": [1]}],  # a list of dicts, not all flat records
        [{"a": 1, "b": {}}, {"c": 2}],  # an empty container inside a record
        {2: "int key", 2.5: "float", True: "bool", None: "none"},  # keys json.dumps converts
        {"k": Kind.A, "n": Number.ONE, "r": Real(1.5)},  # subclasses print as json.dumps does
        [Kind.A, Number.ONE, [Kind.A]],
        {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "big": 10**30},
        {"evidence": [{"path": "a.go", "facts": {"fields": ["X", "Y"]}, "blob": None}]},
    ],
)
def test_documents_of_every_shape(document: Any) -> None:
    assert jsontext.dumps(document) == _reference(document)


def test_what_json_dumps_refuses_is_refused_the_same_way() -> None:
    for bad in ({"a": object()}, {("t",): 1}, [1, {2, 3}]):
        with pytest.raises(TypeError) as ours:
            jsontext.dumps(bad)
        with pytest.raises(TypeError) as theirs:
            _reference(bad)
        assert str(ours.value) == str(theirs.value)


def test_plain_documents_never_go_through_json_dumps(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path prints the scan's documents itself (the fallback is only for oddities)."""
    document = {
        "detectors": [{"id": "x", "evidence": [{"line": 1, "facts": {"a": [1, "b"]}}]}],
        "stats": {"excluded_for_target": [{"path": "a_windows.go", "reason": "name"}] * 3},
        "warnings": [],
    }
    expected = _reference(document)

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("fell back to json")

    monkeypatch.setattr(jsontext.json, "dumps", refuse)
    monkeypatch.setattr(jsontext.json, "JSONEncoder", refuse)
    assert jsontext.dumps(document) == expected


@pytest.mark.parametrize(
    "count", [1, jsontext._BATCH - 1, jsontext._BATCH, 2 * jsontext._BATCH + 3]
)
def test_long_lists_of_records_print_the_same_across_batches(count: int) -> None:
    records = [
        {"path": f"p{i}/x_windows.go", "reason": TRICKY[i % len(TRICKY)], "n": i, "ok": i % 2 == 0}
        for i in range(count)
    ]
    document = {"stats": {"excluded_for_target": records}, "tail": [records[:2], {"a": records}]}
    assert jsontext.dumps(document) == _reference(document)
