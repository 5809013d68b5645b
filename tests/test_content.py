"""Result wording in data/: complete for every rule, level and pattern, and plain."""

from __future__ import annotations

import pytest

from backcare.engine import wording as content
from backcare.engine.patterns import ORDER
from backcare.engine.results import Level
from backcare.engine.triage import RULES

TEXT = content.triage_text()


def test_every_rule_level_and_pattern_has_text():
    assert content.missing_text() == []


def test_no_text_for_rules_that_do_not_exist():
    assert set(TEXT.reasons) == {r.id for r in RULES}
    assert set(content.pattern_text()) == set(ORDER)
    assert set(TEXT.levels) == {lv.value for lv in Level}


def test_the_safety_net_says_when_to_see_a_gp():
    joined = " ".join(TEXT.safety_net)
    assert "6 weeks" in joined and "worse" in joined


def test_emergency_action_names_the_emergency_number():
    assert "A&E" in TEXT.emergency_action and "emergency number" in TEXT.emergency_action
    assert "A&E" in TEXT.levels["emergency"].action


def test_not_a_diagnosis():
    assert "not a diagnosis" in TEXT.not_a_diagnosis


def test_a_broken_content_file_gives_a_clear_error(monkeypatch, tmp_path):
    (tmp_path / "triage.yaml").write_text("levels: [unclosed", encoding="utf-8")
    monkeypatch.setattr(content, "DATA_DIR", tmp_path)
    content.triage_text.cache_clear()
    try:
        with pytest.raises(content.ContentError, match=r"triage\.yaml"):
            content.triage_text()
    finally:
        monkeypatch.undo()
        content.triage_text.cache_clear()


def test_a_missing_wording_key_names_the_file_and_the_key() -> None:
    from backcare import present

    words = present.page_text()
    with pytest.raises(content.ContentError, match=r"data/pages.yaml: no 'results.no_such_key'"):
        words["results"]["no_such_key"]
    assert isinstance(words["home"]["does"], tuple)  # lists are frozen


def test_a_wording_file_without_its_sections_fails_at_load(monkeypatch, tmp_path) -> None:
    (tmp_path / "x.yaml").write_text("home: {intro: Hello}\n", encoding="utf-8")
    monkeypatch.setattr(content, "DATA_DIR", tmp_path)
    with pytest.raises(content.ContentError, match=r"data/x.yaml needs the sections \['results'\]"):
        content.load_texts("x.yaml", ("home", "results"))
    assert content.load_texts("x.yaml", ("home",))["home"]["intro"] == "Hello"
