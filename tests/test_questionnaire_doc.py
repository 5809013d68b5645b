"""docs/questionnaire.md is generated from the data file and kept current."""

from backcare.content.questionnaire import load, ticks
from backcare.content.questionnaire_doc import render
from tests.helpers import ROOT


def test_docs_are_up_to_date():
    committed = (ROOT / "docs" / "questionnaire.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "regenerate with: python -m backcare questionnaire -o docs/questionnaire.md"
    )


def test_every_question_is_in_the_docs():
    text = render()
    for key, q in load().questions.items():
        assert f"`{key}`" in text and q.text in text


def test_every_checklist_and_box_is_in_the_docs():
    text = render()
    for cid, checklist in load().checklists.items():
        assert f"Checklist `{cid}`: **{checklist.text}**" in text
        assert checklist.none_label in text and checklist.others_label in text
        for box in ticks(checklist):
            assert box.label in text, box.id


def test_docs_say_when_pregnancy_is_asked():
    text = render()
    assert "`sex` is not male (or not answered yet) and `age` is 55 or less" in text
    assert "safer to ask" in text
