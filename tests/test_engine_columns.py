"""The column interpreter (`engine.columns`) agrees with `assess`, row by row.

Both read the same rule data (`triage.RULES`, `patterns.PATTERN_RULES`); these
tests are the proof that the two interpreters of it give the same triage,
reasons (and the answers behind each), patterns (ids, strengths, order and
answers), unanswered and open safety questions. A failing row is printed
with its answers.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backcare import ValidationError, assess
from backcare.batch import RESULT_COLUMNS, score_frame
from backcare.engine import columns as C
from backcare.engine import logic
from backcare.engine.answers import FIELD_BY_KEY, FIELDS, Kind
from backcare.engine.logic import Op
from tests.answer_sets import all_no
from tests.helpers import load_vignettes
from tests.strategies import KEYS_AND_INVALID, valid_answers

VIGNETTES = load_vignettes()
VALID = [v for v in VIGNETTES if "error_keys" not in v["expect"]]
INVALID = [v for v in VIGNETTES if "error_keys" in v["expect"]]


def _row_view(answers: dict[str, Any]) -> C.RowResult:
    """What `assess` says, in the terms the column interpreter reports."""
    r = assess(answers)
    return C.RowResult(
        triage=r.triage,
        reasons=tuple((x.id, x.level, x.because) for x in r.reasons),
        patterns=r.patterns,
        unanswered=r.unanswered_safety_questions,
        open=r.open_safety_questions,
    )


def _differences(want: C.RowResult, got: C.RowResult) -> str:
    parts = []
    for name in ("triage", "reasons", "patterns", "unanswered", "open"):
        w, g = getattr(want, name), getattr(got, name)
        if w != g:
            parts.append(f"  {name}:\n    assess:  {w}\n    columns: {g}")
    return "\n".join(parts)


def assert_same(sets: list[dict[str, Any]]) -> None:
    """Both interpreters on the same answer sets; fail naming the first row that differs."""
    frame, errors = C.frame_from_values(C.answers_to_columns(sets), len(sets))
    assert not any(errors), errors
    results = C.evaluate(frame, explain=True)
    for i, answers in enumerate(sets):
        want, got = _row_view(answers), results.row(i)
        assert got == want, (
            f"row {i} differs; its answers:\n{json.dumps(answers, sort_keys=True)}\n"
            + _differences(want, got)
        )


# ---- every public vignette -------------------------------------------------------------


def test_every_public_vignette_row_by_row() -> None:
    assert len(VALID) >= 19
    assert_same([v["answers"] for v in VALID])


@pytest.mark.parametrize("vignette", VALID, ids=[v["id"] for v in VALID])
def test_vignette_expectations_hold_in_columns(vignette: dict) -> None:
    """The column results meet the vignette's own expectations, not only assess's."""
    frame, _ = C.frame_from_values(C.answers_to_columns([vignette["answers"]]), 1)
    results = C.evaluate(frame)
    expect = vignette["expect"]
    assert results.triage() == [expect["triage"]]
    ids = [p.id for p in results.pattern_lists()[0]]
    if "top_pattern" in expect:
        top = next((p.id for p in results.pattern_lists()[0] if not p.serious), None)
        assert top == expect["top_pattern"], ids
    assert set(expect.get("patterns_include", [])) <= set(ids)
    assert not set(expect.get("patterns_exclude", [])) & set(ids)


@pytest.mark.parametrize("vignette", INVALID, ids=[v["id"] for v in INVALID])
def test_invalid_vignettes_give_the_errors_validate_gives(vignette: dict) -> None:
    answers = vignette["answers"]
    with pytest.raises(ValidationError) as caught:
        assess(answers)
    _, errors = C.frame_from_values({k: [v] for k, v in answers.items()}, 1)
    assert [e.message() for e in errors[0]] == [e.message() for e in caught.value.errors]
    assert set(vignette["expect"]["error_keys"]) <= {e.key for e in errors[0]}


# ---- random frames ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(valid_answers(), min_size=1, max_size=25))
def test_random_frames_agree_row_by_row(sets: list[dict[str, Any]]) -> None:
    """Missing cells (any key but age may be absent) and every list value."""
    assert_same(sets)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([f.key for f in FIELDS]), max_size=6))
def test_calm_answers_with_gaps_agree(missing: list[str]) -> None:
    """The calm baseline with some keys left out: the self-care and open-question paths."""
    calm = all_no()
    sets = [calm, {k: v for k, v in calm.items() if k not in missing or k == "age"}]
    assert_same(sets)


@settings(max_examples=150, deadline=None)
@given(KEYS_AND_INVALID)
def test_invalid_cells_give_the_errors_validate_gives(pair: tuple[str, Any]) -> None:
    key, bad = pair
    assume(not (isinstance(bad, float) and math.isnan(bad)))  # NaN: a frame's "not answered"
    answers = {"age": 40, key: bad}
    with pytest.raises(ValidationError) as caught:
        assess(answers)
    _, errors = C.frame_from_values({k: [v] for k, v in answers.items()}, 1)
    assert [e.message() for e in errors[0]] == [e.message() for e in caught.value.errors]


def test_each_bad_row_fails_alone() -> None:
    sets = [{"age": 40}, {"age": 12}, {"age": 40, "pain_now": 11}, {"pain_now": 3}]
    _, errors = C.frame_from_values(C.answers_to_columns(sets), len(sets))
    assert [[e.key for e in row] for row in errors] == [[], ["age"], ["pain_now"], ["age"]]
    assert "is required" in errors[3][0].message()


def test_true_and_one_are_not_the_same_cell() -> None:
    """Distinct values are validated once each; True must not pass as the number 1."""
    _, errors = C.frame_from_values({"age": [40, 40], "pain_now": [1, True]}, 2)
    assert errors[0] == []
    assert [e.key for e in errors[1]] == ["pain_now"]


# ---- each operation, on both sides of its line ------------------------------------------

#: (key, op, arg, values): both interpreters must agree on every value.
OP_CASES = [
    ("fever", Op.TRUE, None, [True, False]),
    ("fever", Op.NOT_TRUE, None, [True, False]),
    ("leg_pain", Op.IN, frozenset({"one_leg", "both_legs"}), ["none", "one_leg", "both_legs"]),
    ("leg_pain", Op.NOT_IN, frozenset({"both_legs"}), ["none", "one_leg", "both_legs"]),
    ("worse_with", Op.HAS, ("walking", "standing"), [(), ("walking",), ("sitting",)]),
    ("better_with", Op.LACKS, ("rest",), [(), ("rest",), ("movement", "rest"), ("sitting",)]),
    ("spa_features", Op.COUNT_AT_LEAST, 2, [(), ("psoriasis",), ("heel_pain", "psoriasis")]),
    ("duration_weeks", Op.AT_LEAST, 6, [5.9, 6, 6.1]),
    ("age", Op.AT_MOST, 55, [54, 55, 56]),
    ("duration_weeks", Op.ABOVE, 12, [12, 12.1]),
    ("duration_weeks", Op.BELOW, 6, [5.9, 6]),
]


@pytest.mark.parametrize(("key", "op", "arg", "values"), OP_CASES)
@pytest.mark.parametrize("missing", [None, True, False])
def test_each_operation_means_the_same_in_both(key, op, arg, values, missing) -> None:
    cond = logic.Test(key, op, arg, missing)
    field = FIELD_BY_KEY[key]
    rows = [{key: v} for v in values] + [{}]  # the last row leaves the key unanswered
    cells = [C.encode(field, v) for v in values] + [C.DTYPES[field.kind][1]]
    dtype = C.DTYPES[field.kind][0]
    ev = C.Evaluator(C.Frame(len(rows), {key: np.array(cells, dtype=dtype)}))
    true, false = ev.tri(cond)
    got = [True if t else False if f else None for t, f in zip(true, false, strict=True)]
    assert got == [cond.truth(a) for a in rows]
    assert got[-1] is missing
    assert len(set(got[:-1])) == 2, "the values must fall on both sides"


def test_an_operation_on_the_wrong_kind_of_answer_is_refused() -> None:
    ev = C.Evaluator(C.Frame(1, {}))
    with pytest.raises(C.ColumnRuleError, match="fever"):
        ev.tri(logic.Test("fever", Op.AT_LEAST, 3))


def test_a_condition_the_columns_cannot_read_is_refused() -> None:
    class Odd(logic.Cond):
        def truth(self, a):
            return True

    with pytest.raises(C.ColumnRuleError, match="Odd"):
        C.Evaluator(C.Frame(1, {})).tri(Odd())


# ---- a pandas DataFrame in and out -----------------------------------------------------


def test_assess_frame_scores_a_dataframe_with_gaps() -> None:
    sets = [v["answers"] for v in VALID] + [{"age": 12}]
    df = pd.DataFrame(sets)  # absent keys become NaN: "not answered"
    assert df.isna().any().any()
    out = score_frame(df)
    assert list(out.columns) == list(RESULT_COLUMNS)
    assert list(out.index) == list(df.index)
    for i, answers in enumerate(sets[:-1]):
        r = assess(answers)
        row = out.iloc[i]
        assert row["triage"] == r.triage.value
        assert row["top_pattern"] == (r.top_pattern or "")
        assert row["patterns"] == ";".join(f"{p.id}:{p.strength.value}" for p in r.patterns)
        assert row["reasons"] == ";".join(x.id for x in r.reasons)
        assert row["error"] == ""
    assert out.iloc[-1]["error"].startswith("age: got 12")
    assert out.iloc[-1]["triage"] == ""


def test_missing_markers_of_pandas_are_not_answered() -> None:
    frame, errors = C.frame_from_values({"age": [40, 40, 40], "fever": [None, math.nan, pd.NA]}, 3)
    assert errors == [[], [], []]
    assert not frame.known("fever").any()


def test_every_kind_has_a_column_form() -> None:
    assert set(C.DTYPES) == set(Kind)


# ---- batch scoring: both engines, byte for byte ----------------------------------------

#: Cells that test reading: every kind's odd forms, formula signs, quotes, commas, spaces.
ODD_CELLS = [
    "",
    " ",
    "yes",
    " YES ",
    "no",
    "maybe",
    "40",
    "40.0",
    "12",
    "-3",
    "=1+1",
    "+44 20",
    "@x",
    "one_leg",
    "lower_back; thigh",
    ";",
    "upper_back;side",
    "a,b",
    'say "hi"',
    "two\nlines",
    "1e999",
]


def _csv_text(header: list[str], rows: list[list[str]], newline: str) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _both_engines(text: str, keep: tuple[str, ...] = (), block_size: int | None = None) -> None:
    import io

    from backcare.batch import score_text

    outputs = []
    for engine in ("rows", "columns"):
        out = io.StringIO()
        lines = io.StringIO(text, newline="")
        summary = score_text(lines, out, keep=keep, engine=engine, block_size=block_size)
        outputs.append((summary, out.getvalue()))
    (rows_summary, rows_text), (cols_summary, cols_text) = outputs
    if cols_text != rows_text:
        for want, got in zip(rows_text.splitlines(), cols_text.splitlines(), strict=False):
            assert got == want, f"first differing output line (input:\n{text})"
    assert cols_text == rows_text
    assert cols_summary == rows_summary


def test_generated_forms_score_the_same_byte_for_byte(tmp_path) -> None:
    from bench.gen import write_csv

    src = write_csv(tmp_path / "in.csv", 3_000, seed=3)
    text = src.read_text(encoding="utf-8")
    _both_engines(text)
    _both_engines(text, block_size=7)


def test_odd_lines_score_the_same_byte_for_byte() -> None:
    header = ["age", "fever", "areas", "note"]
    text = (
        "age,fever,areas,note\n"
        "40,yes,lower_back,=cmd()\n"
        "\n"
        "41,no\n"  # too few cells
        "42,no,side,x,extra\n"  # too many
        " \n"  # a row of one blank cell
        "43,,upper_back;side,+1\r\n"  # a Windows line end
        "abc,maybe,nowhere,ok\n"
        ",yes,,\n"  # age missing
        '44,yes,"lower_back;thigh","a, b\nc"\n'  # quotes from here on: read as CSV
        "45,no,side,=2\n"
    )
    for size in (None, 1, 2, 3):
        _both_engines(text, keep=("note",), block_size=size)
    assert header == text.splitlines()[0].split(",")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(["fever", "sex", "areas", "duration_weeks", "note"]), unique=True),
    st.lists(st.lists(st.sampled_from(ODD_CELLS), min_size=0, max_size=7), min_size=0, max_size=12),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from([None, 1, 3]),
)
def test_random_files_score_the_same_byte_for_byte(extra, rows, newline, size) -> None:
    """Any header, any cells (quoted or not), ragged rows, either line end, any block size."""
    header = ["age", *extra]
    width = len(header)
    # Most rows have the header's width; the generated lengths make some ragged.
    shaped = [r if len(r) in (0, width + 1) else (r + ["40"] * width)[:width] for r in rows]
    _both_engines(_csv_text(header, shaped, newline), keep=("note",), block_size=size)


def test_the_command_gives_the_same_file_with_either_engine(tmp_path, capsys) -> None:
    from backcare.cli.main import main
    from bench.gen import write_csv

    src = write_csv(tmp_path / "in.csv", 500, seed=5)
    outputs = {}
    for engine in ("rows", "columns"):
        out = tmp_path / f"{engine}.csv"
        assert main(["score", str(src), "-o", str(out), "--engine", engine]) == 1  # bad rows
        outputs[engine] = out.read_bytes()
    assert outputs["rows"] == outputs["columns"]
    default = tmp_path / "default.csv"
    main(["score", str(src), "-o", str(default)])
    assert default.read_bytes() == outputs["columns"]
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(["score", str(src), "-o", str(default), "--engine", "turbo"])
    assert stopped.value.code == 2
    assert "invalid choice: 'turbo'" in capsys.readouterr().err
