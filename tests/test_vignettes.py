"""Every public vignette, through the Python API and the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from backcare import ValidationError, assess
from tests.helpers import ROOT, load_vignettes

VIGNETTES = load_vignettes()
VALID = [v for v in VIGNETTES if "error_keys" not in v["expect"]]
INVALID = [v for v in VIGNETTES if "error_keys" in v["expect"]]


def _check(result: dict, expect: dict) -> None:
    ids = [p["id"] for p in result["patterns"]]
    if "triage" in expect:
        assert result["triage"] == expect["triage"]
    if "top_pattern" in expect:
        # Spec section 3 (v2): the serious patterns of the ranking sentence.
        serious = {
            "cauda_equina",
            "spinal_infection",
            "spinal_malignancy",
            "fracture",
            "aortic_aneurysm",
            "spinal_bleed",
            "osteoporotic_fracture",
        }
        top = next((i for i in ids if i not in serious), None)
        assert top == expect["top_pattern"], ids
    for pid in expect.get("patterns_include", []):
        assert pid in ids
    for pid in expect.get("patterns_exclude", []):
        assert pid not in ids
    assert result["spec_version"] == "2"


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backcare", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_there_are_public_vignettes():
    assert VALID and INVALID
    assert len(VIGNETTES) >= 22, "the v2 set has P01-P22"
    assert any(v["expect"].get("patterns_exclude") for v in VALID)


@pytest.mark.parametrize("vignette", VALID, ids=[v["id"] for v in VALID])
def test_api(vignette):
    result = assess(vignette["answers"])
    _check(result.to_dict(), vignette["expect"])
    if "top_pattern" in vignette["expect"]:
        assert result.top_pattern == vignette["expect"]["top_pattern"]


@pytest.mark.parametrize("vignette", INVALID, ids=[v["id"] for v in INVALID])
def test_api_errors(vignette):
    with pytest.raises(ValidationError) as caught:
        assess(vignette["answers"])
    assert set(caught.value.keys) == set(vignette["expect"]["error_keys"])


@pytest.mark.parametrize("vignette", VALID, ids=[v["id"] for v in VALID])
def test_cli(vignette, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(vignette["answers"]))
    done = _cli("assess", str(path))
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    _check(printed, vignette["expect"])
    assert printed == assess(vignette["answers"]).to_dict()


@pytest.mark.parametrize("vignette", INVALID, ids=[v["id"] for v in INVALID])
def test_cli_errors(vignette):
    done = _cli("assess", "-", stdin=json.dumps(vignette["answers"]))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    for key in vignette["expect"]["error_keys"]:
        assert key in done.stderr
