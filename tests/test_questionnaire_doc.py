"""docs/questionnaire.md is generated from the data file and kept current."""

from backcare.content.questionnaire import load
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
