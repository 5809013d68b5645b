"""Fuzzing the command-line entry points: any bytes in, never a traceback out.

Random bytes, random JSON, random nesting and random CSV go through ``assess``,
``plan`` (profile, answers and feedback), ``diary import`` and ``score``, in
process for speed. Every run must end with exit 0, 1 or 2 and nothing on
standard error that looks like a traceback; any exception escaping ``main``
fails the test by itself.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.cli.main import main
from backcare.engine.answers import KEYS

PROFILE = {"days": ["mon", "wed", "fri"], "minutes_per_session": 30, "start_date": "2026-12-01"}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from([*KEYS[:12], "date", "days", "x"]) | st.text(max_size=8),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@st.composite
def nesting(draw: st.DrawFn) -> bytes:
    """Brackets and braces, opened and maybe closed, around maybe something."""
    depth = draw(st.integers(0, 3000))
    opener = draw(st.sampled_from(["[", '{"a":', '{"age":[', "[{"]))
    middle = draw(st.sampled_from(["", "1", '"x"', "null", "NaN", "1e999"]))
    closer = draw(st.sampled_from(["", "]", "}", "]}"]))
    return (opener * depth + middle + closer * draw(st.integers(0, depth))).encode()


@st.composite
def mangled_json(draw: st.DrawFn) -> bytes:
    """Valid JSON, then maybe a BOM, a cut, a repeated key or bytes spliced in."""
    text = json.dumps(draw(json_values)).encode()
    if draw(st.booleans()):
        text = b"\xef\xbb\xbf" + text
    if draw(st.booleans()) and text:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.binary(max_size=8)) + text[at:]
    if draw(st.booleans()) and text.startswith(b"{") and len(text) > 2:
        text = b'{"age": 40, "age": 41, ' + text[1:]
    return text


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    """A header of answer keys (or junk), then rows of random cells."""
    header = draw(st.lists(st.sampled_from([*KEYS[:15], "junk", ""]), min_size=1, max_size=5))
    cell = st.sampled_from(["", "yes", "no", "40", "-1", "9" * 400, "1e999", "nan", "=1+1"]) | (
        st.text(max_size=12)
    )
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=6), max_size=5))
    lines = [",".join(header)] + [",".join(r) for r in rows]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = draw(st.binary(max_size=40)) + data
    return data


any_input = st.one_of(st.binary(max_size=300), nesting(), mangled_json(), csv_bytes())


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


#: Each command with the fuzzed file where it reads one (``d``: a folder with a good
#: profile; the database is a real SQLite file in it).
COMMANDS = {
    "assess": lambda f, d: ["assess", f],
    "plan profile": lambda f, d: ["plan", f],
    "plan answers": lambda f, d: ["plan", d / "profile.json", "--answers", f],
    "plan feedback": lambda f, d: ["plan", d / "profile.json", "--feedback", f],
    "diary import json": lambda f, d: ["diary", "import", f, "--format", "json", "--db", _db(d)],
    "diary import csv": lambda f, d: ["diary", "import", f, "--format", "csv", "--db", _db(d)],
    "score": lambda f, d: ["score", f, "-o", d / "out.csv"],
}


def _db(folder: Path) -> str:
    return f"sqlite:///{folder / 'fuzz.db'}"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "profile.json").write_text(json.dumps(PROFILE), encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", COMMANDS)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=any_input)
def test_any_input_ends_in_exit_0_1_or_2_without_a_traceback(workdir, command, data):
    source = workdir / "input.bin"
    source.write_bytes(data)
    argv = [str(a) for a in COMMANDS[command](source, workdir)]
    code, err = _run(argv)
    assert code in {0, 1, 2}, err
    assert "Traceback" not in err
