"""Saving and loading an answers file: round trip, and a clear message for every bad file."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from backcare import validate
from backcare.answers_io import MAX_BYTES, AnswersFileError, dump_answers, load_answers
from tests.helpers import load_vignettes
from tests.strategies import valid_answers

VALID = [v for v in load_vignettes() if "triage" in v["expect"]]


@pytest.mark.parametrize("vignette", VALID, ids=lambda v: v["id"])
def test_vignette_round_trip(vignette: dict) -> None:
    loaded = load_answers(dump_answers(vignette["answers"]))
    assert validate(loaded) == validate(vignette["answers"])
    assert json.loads(dump_answers(loaded)) == loaded


@given(valid_answers())
@settings(max_examples=60, deadline=None)
def test_any_valid_answer_set_round_trips(answers: dict) -> None:
    loaded = load_answers(dump_answers(answers))
    assert validate(loaded) == validate(answers)


@pytest.mark.parametrize(
    ("data", "names"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"{not json", "not valid JSON (line 1, column 2"),
        (b'{"age": 40,}', "not valid JSON"),
        (b"[1, 2]", "holds a list, not a JSON object"),
        (b'"hello"', "holds a piece of text"),
        (b"42", "holds a number"),
        (b"null", "holds null"),
        (b"\xff\xfe\x00", "not UTF-8 text (byte 1"),
        (b'{"age": 40, "bladder": true}', "bladder: is not a known answer key"),
        (b'{"age": 40, "pain_now": 12}', "pain_now: got 12"),
        (b'{"age": 12}', "age: got 12"),
        (b'{"pain_now": 3}', "age: is required"),
        (b'{"age": 40, "fever": "no"}', "fever: got 'no'; allowed: true or false"),
    ],
)
def test_bad_file_names_what_is_wrong(data: bytes, names: str) -> None:
    with pytest.raises(AnswersFileError) as err:
        load_answers(data)
    assert names in str(err.value)


def test_every_bad_key_is_named_at_once() -> None:
    with pytest.raises(AnswersFileError) as err:
        load_answers(b'{"age": 40, "bladder": true, "pain_now": 99}')
    assert "bladder" in str(err.value) and "pain_now" in str(err.value)


@pytest.mark.parametrize(("size", "ok"), [(MAX_BYTES, True), (MAX_BYTES + 1, False)])
def test_size_limit_at_the_threshold(size: int, ok: bool) -> None:
    body = b'{"age": 40}'
    data = body + b" " * (size - len(body))
    if ok:
        assert load_answers(data) == {"age": 40}
    else:
        with pytest.raises(AnswersFileError, match="too big"):
            load_answers(data)


def test_byte_order_mark_is_accepted() -> None:
    assert load_answers(b'\xef\xbb\xbf{"age": 50}') == {"age": 50}


def test_loaded_answers_are_json_ready_lists_in_contract_order() -> None:
    loaded = load_answers(b'{"areas": ["foot", "lower_back", "foot"], "age": 30}')
    assert list(loaded) == ["age", "areas"]
    assert loaded["areas"] == ["lower_back", "foot"]
