"""The engine's answer fields and version match the clinical contract, read from the spec itself.

The contract lives in ``../shared/spec/clinical-rules.md``. This test parses the
answers table of its section 1 (and the sentence that adds ``side`` to
``areas``) and compares every key, type, range and allowed value with
`answers.FIELDS`, so an edit on either side that is not made on the other fails
here. ``shared/`` is always beside the project, in CI too: when it is missing
the test fails (it does not skip), because a skipped check is a silent one.
"""

from __future__ import annotations

import re

import pytest

from backcare import assess
from backcare.engine import SPEC_VERSION
from backcare.engine.answers import FIELDS, Kind
from backcare.engine.results import Assessment
from tests.answer_sets import all_no
from tests.helpers import SHARED

SPEC_PATH = SHARED / "spec" / "clinical-rules.md"

_ROW = re.compile(r"^\|\s*`(?P<key>[a-z_0-9]+)`(?:\s*\*\*\(v2\)\*\*)?\s*\|(?P<type>[^|]*)\|")
_RANGE = re.compile(r"^(?P<kind>integer|number)\s+(?P<lo>\d+)\s*[–-]\s*(?P<hi>\d+)$")
_TICKED = re.compile(r"`([a-z_0-9]+)`")
_ADDED_VALUE = re.compile(r"`([a-z_0-9]+)`\s+may include\s+`([a-z_0-9]+)`")


@pytest.fixture(scope="module")
def spec() -> str:
    if not SPEC_PATH.is_file():
        pytest.fail(
            f"the clinical contract is missing: {SPEC_PATH} not found. The read-only "
            "shared/ folder must sit beside the project (../shared), locally and in CI; "
            "set BACKCARE_SHARED to its path if it lives elsewhere."
        )
    return SPEC_PATH.read_text(encoding="utf-8")


def _section_1(spec: str) -> str:
    match = re.search(r"^## 1\. Answers\n(.*?)^## 2\.", spec, re.M | re.S)
    assert match, "spec section 1 (Answers) not found"
    return match.group(1)


def _parse_type(text: str) -> tuple[Kind, tuple[str, ...], float | None, float | None]:
    text = text.strip()
    if text == "bool":
        return Kind.BOOL, (), None, None
    ranged = _RANGE.match(text)
    if ranged:
        kind = Kind.INTEGER if ranged["kind"] == "integer" else Kind.NUMBER
        return kind, (), float(ranged["lo"]), float(ranged["hi"])
    values = tuple(_TICKED.findall(text))
    assert values, f"cannot read the type {text!r}"
    return (Kind.MULTI if text.startswith("list of") else Kind.CHOICE), values, None, None


def spec_fields(spec: str) -> dict[str, tuple[Kind, tuple[str, ...], float | None, float | None]]:
    """key -> (kind, allowed values, minimum, maximum), in table order, with added values."""
    section = _section_1(spec)
    fields = {
        m["key"]: _parse_type(m["type"]) for line in section.splitlines() if (m := _ROW.match(line))
    }
    for key, value in _ADDED_VALUE.findall(section):
        kind, values, lo, hi = fields[key]
        fields[key] = (kind, (*values, value), lo, hi)
    return fields


def engine_fields() -> dict[str, tuple[Kind, tuple[str, ...], float | None, float | None]]:
    return {
        f.key: (
            f.kind,
            f.choices,
            None if f.minimum is None else float(f.minimum),
            None if f.maximum is None else float(f.maximum),
        )
        for f in FIELDS
    }


def test_the_table_was_read(spec):
    fields = spec_fields(spec)
    assert len(fields) >= 54, "v2 has 42 v1 keys and 12 v2 keys"
    assert fields["areas"][1][-1] == "side", "the sentence adding `side` to `areas` was read"


def test_same_keys_in_the_same_order(spec):
    assert list(engine_fields()) == list(spec_fields(spec))


def test_same_types_ranges_and_allowed_values(spec):
    ours, theirs = engine_fields(), spec_fields(spec)
    differ = {k: (ours[k], theirs[k]) for k in theirs if k in ours and ours[k] != theirs[k]}
    assert differ == {}


def test_only_age_is_required(spec):
    match = re.search(r"Every key is optional except `([a-z_]+)`", _section_1(spec))
    assert match, "the 'Every key is optional except' sentence was not found"
    assert [f.key for f in FIELDS if f.required] == [match.group(1)]


def test_spec_version_matches(spec):
    match = re.search(r'`SPEC_VERSION = "([^"]+)"`', spec)
    assert match, 'the spec no longer states `SPEC_VERSION = "..."`'
    assert match.group(1) == SPEC_VERSION


def test_every_result_carries_the_spec_version():
    result: Assessment = assess(all_no())
    assert result.to_dict()["spec_version"] == SPEC_VERSION
