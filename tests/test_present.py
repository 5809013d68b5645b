"""View models for the pages (backcare.present): pure Python, no Streamlit."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings

from backcare import Level, assess, present
from backcare.content.questionnaire import Checklist
from backcare.content.questionnaire import load as load_questionnaire
from backcare.engine.patterns import display_rows
from backcare.engine.scores import PSYCHOSOCIAL_LABEL
from backcare.engine.wording import level_text, pattern_text, triage_text
from tests.helpers import WARNING_SIGNS, load_vignettes
from tests.strategies import valid_answers

Q = load_questionnaire()
VIGNETTES = {v["id"]: v for v in load_vignettes()}
VALID = [v for v in VIGNETTES.values() if "triage" in v["expect"]]
NO_FLAGS = dict.fromkeys(WARNING_SIGNS, False)


def test_the_shared_warning_sign_list_is_the_warning_signs_step() -> None:
    """tests/helpers.WARNING_SIGNS is typed once for the tests: it must stay the yes/no
    questions of the check's "Warning signs" step, in order."""
    step = next(s for s in Q.steps if s.id == "warning_signs")
    asked = tuple(i.key for i in step.items if not isinstance(i, Checklist))
    assert asked == WARNING_SIGNS


@pytest.mark.parametrize(
    ("level", "kind"),
    [("emergency", "error"), ("urgent", "warning"), ("soon", "info"), ("self_care", "success")],
)
def test_banner_says_the_level_in_words_and_icon_not_colour_alone(level: str, kind: str) -> None:
    b = present.banner(level)
    text = level_text(level)
    assert b.kind == kind
    assert (b.title, b.headline, b.action) == (text.title, text.headline, text.action)
    # A Material icon from Streamlit's own font: an emoji shows as a box without an emoji font.
    assert b.icon.startswith(":material/") and b.icon.endswith(":")
    assert b.title and b.action


#: The longest run of characters the headline and the action of one banner may share.
SHARED_RUN_LIMIT = 15


@pytest.mark.parametrize("level", [lv.value for lv in Level])
def test_banner_says_each_thing_once(level: str) -> None:
    """Issue 11: "Speak to a doctor today. Speak to a doctor today or within 24 hours."
    The bold headline and the action after it must not repeat each other."""
    b = present.banner(level)
    head, action = b.headline.lower(), b.action.lower()
    run = difflib.SequenceMatcher(None, head, action).find_longest_match()
    assert run.size < SHARED_RUN_LIMIT, (
        f"{level}: headline and action share {head[run.a : run.a + run.size]!r}"
    )


def test_banner_icons_and_titles_differ_between_levels() -> None:
    banners = [present.banner(lv) for lv in Level]
    assert len({b.icon for b in banners}) == len(banners)
    assert len({b.title for b in banners}) == len(banners)


def test_no_assessment_before_age() -> None:
    assert present.try_assess({"bladder_change": True}) is None
    assert present.live_emergency({"bladder_change": True}) is None


@pytest.mark.parametrize("flag", sorted(NO_FLAGS))
def test_live_emergency_on_a_single_warning_answer(flag: str) -> None:
    answers = {"age": 40, **NO_FLAGS, flag: True}
    result = present.live_emergency(answers)
    expected = assess(answers).triage is Level.EMERGENCY
    assert (result is not None) == expected
    if flag in {"saddle_numbness", "bladder_change", "bowel_change", "sexual_change"}:
        assert result is not None  # each is a cauda equina sign on its own


def test_no_live_emergency_when_all_warning_answers_are_no() -> None:
    assert present.live_emergency({"age": 40, **NO_FLAGS}) is None


def test_self_care_asks_every_applicable_unanswered_safety_question() -> None:
    """P11 was written for v1: the v2 safety questions it never answered are asked too."""
    result = assess(VIGNETTES["P11"]["answers"])
    assert result.triage is Level.SELF_CARE
    asked = [q.key for q in present.questions_to_ask_before_result(Q, result)]
    expected = [
        k
        for k in Q.questions
        if k in set(result.unanswered_safety_questions) | set(result.open_safety_questions)
        and Q.questions[k].applies(result.answers)
    ]
    assert asked == expected
    assert "leg_pain" in asked and "fainting" in asked


def test_dont_know_answers_are_not_asked_again() -> None:
    result = assess(VIGNETTES["P11"]["answers"])
    asked = {q.key for q in present.questions_to_ask_before_result(Q, result)}
    left = present.questions_to_ask_before_result(Q, result, frozenset({"fainting", "leg_pain"}))
    assert {q.key for q in left} == asked - {"fainting", "leg_pain"}


@pytest.mark.parametrize("vignette", ["P07", "P08", "P09", "P05"])
def test_every_level_below_emergency_asks_its_open_questions(vignette: str) -> None:
    """Spec section 2 (v2): open questions before ANY result below emergency."""
    answers = {
        k: v
        for k, v in VIGNETTES[vignette]["answers"].items()
        if k not in ("fever", "cancer_history")
    }
    answers.pop("feels_unwell", None)
    result = assess(answers)
    assert result.triage is not Level.EMERGENCY
    asked = {q.key for q in present.questions_to_ask_before_result(Q, result)}
    applicable_open = {
        k for k in result.open_safety_questions if Q.questions[k].applies(result.answers)
    }
    assert applicable_open <= asked
    assert {"fever", "feels_unwell"} & applicable_open


def test_follow_up_that_does_not_apply_is_not_asked() -> None:
    answers = {**VIGNETTES["P10"]["answers"], "leg_weakness": "none"}
    answers.pop("weakness_getting_worse", None)
    result = assess(answers)
    assert "weakness_getting_worse" in result.unanswered_safety_questions
    assert "weakness_getting_worse" not in {
        q.key for q in present.questions_to_ask_before_result(Q, result)
    }


def test_follow_up_that_applies_is_asked() -> None:
    answers = {**VIGNETTES["P10"]["answers"], "leg_weakness": "one_leg"}
    answers.pop("weakness_getting_worse", None)
    result = assess(answers)
    assert "weakness_getting_worse" in {
        q.key for q in present.questions_to_ask_before_result(Q, result)
    }


def test_emergency_is_shown_at_once() -> None:
    result = assess({"age": 40, "bladder_change": True})
    assert result.unanswered_safety_questions
    assert present.questions_to_ask_before_result(Q, result) == ()


def test_below_self_care_only_questions_that_could_raise_the_level_are_asked() -> None:
    result = assess({"age": 40, "duration_weeks": 10})
    assert result.triage is Level.SOON
    asked = {q.key for q in present.questions_to_ask_before_result(Q, result)}
    assert asked <= set(result.open_safety_questions)
    assert asked  # warning signs are still open


@given(valid_answers())
@settings(max_examples=150, deadline=None)
def test_no_self_care_result_while_an_applicable_safety_question_is_open(answers: dict) -> None:
    result = assess(answers)
    if result.triage is Level.SELF_CARE and not present.questions_to_ask_before_result(Q, result):
        questions = Q.questions
        assert all(
            not questions[k].applies(result.answers)
            for k in result.unanswered_safety_questions
            if k in questions
        )


@pytest.mark.parametrize("vignette", VALID, ids=lambda v: v["id"])
def test_result_view_for_every_public_vignette(vignette: dict) -> None:
    result = assess(vignette["answers"])
    view = present.result_view(Q, result)
    assert view.banner.level is result.triage
    rows = display_rows(result.patterns)
    shown = [*view.patterns, *view.also_tell_patterns]
    assert [p.id for p in shown] == [r.id for r in rows if not r.after_ruling_out]
    assert [p.id for p in view.after_rule_out] == [r.id for r in rows if r.after_ruling_out]
    for p in (*shown, *view.after_rule_out):
        assert p.name == pattern_text()[p.id].name
        assert p.link_params == {present.CONDITION_PARAM: p.id}
    texts = [r.text for r in (*view.reasons, *view.also_tell)]
    assert texts == [r.text for r in result.reasons]
    assert view.not_a_diagnosis == triage_text().not_a_diagnosis
    if view.emergency:
        assert all(r.level is Level.EMERGENCY for r in view.reasons)
        assert all(p.serious for p in view.patterns)
        assert view.meanwhile == ()
        assert not any("6 weeks" in line for line in view.safety_net)
    else:
        assert view.meanwhile and view.also_tell == ()


def test_emergency_puts_lower_reasons_under_also_tell_the_doctor() -> None:
    """P19 (very unwell, one leg weak) is an emergency; the GP-level reasons wait below."""
    answers = {**VIGNETTES["P19"]["answers"], "duration_weeks": 8}
    result = assess(answers)
    view = present.result_view(Q, result)
    assert view.emergency
    assert view.also_tell and all(r.level is not Level.EMERGENCY for r in view.also_tell)


def test_one_condition_one_row_for_a_fracture() -> None:
    """P06 (osteoporosis, slipped on a step): one break row, strain only after ruling it out."""
    result = assess(VIGNETTES["P06"]["answers"])
    assert {"fracture", "osteoporotic_fracture"} <= {p.id for p in result.patterns}
    view = present.result_view(Q, result)
    shown = [p.id for p in view.patterns]
    assert shown.count("fracture") + shown.count("osteoporotic_fracture") == 1
    assert "muscle_strain" not in shown


@pytest.mark.parametrize(
    ("locale", "number"),
    [
        ("en-GB", "999"),
        ("en_GB", "999"),
        ("en-US", "911"),
        ("fr-CA", "911"),
        ("de-DE", "112"),
        ("en", "112"),
        (None, "112"),
        ("", "112"),
    ],
)
def test_emergency_number_follows_the_locale_and_all_are_listed(locale, number) -> None:
    call = present.emergency_call(locale)
    assert call.primary.number == number and call.primary.tel == f"tel:{number}"
    assert [n.number for n in call.numbers] == ["999", "911", "112"]


@pytest.mark.parametrize(
    ("weeks", "key"),
    [(None, "unknown"), (0.5, "not_yet"), (5.9, "not_yet"), (6, "passed"), (10, "passed")],
)
def test_the_six_weeks_line_adapts_to_the_duration(weeks, key) -> None:
    answers = {"age": 34, **({"duration_weeks": weeks} if weeks is not None else {})}
    lines = present.safety_net(assess(answers))
    words = present.page_text()["six_weeks"]
    expected = words[key].format(weeks=f"{weeks:g}") if key == "passed" else words[key]
    assert expected in lines
    assert sum("6 weeks" in line or "long enough" in line for line in lines) == 1


def test_the_34_year_old_at_10_weeks_gets_advice_for_meanwhile() -> None:
    """Issue 11: worried, 10 weeks in: told the pain has lasted long enough, and what to do."""
    answers = {"age": 34, "duration_weeks": 10, "catastrophising": True, "worry": True}
    result = assess(answers)
    view = present.result_view(Q, result)
    assert result.triage is Level.SOON
    words = present.page_text()["meanwhile"]
    assert words["worry"] in view.meanwhile and words["long_lasting"] in view.meanwhile
    assert not any("not better in 6 weeks" in line for line in view.safety_net)


def test_dont_know_answers_are_named_in_the_result() -> None:
    result = assess({"age": 40, "duration_weeks": 1})
    view = present.result_view(Q, result, frozenset({"fever", "fainting"}))
    assert [q.key for q in view.dont_know] == [k for k in Q.questions if k in {"fever", "fainting"}]


def test_reasons_quote_the_answers_in_the_words_the_person_saw() -> None:
    view = present.result_view(Q, assess(VIGNETTES["P01"]["answers"]))
    quotes = [q for r in view.reasons for q in r.because]
    saddle = next(q for q in quotes if q.key == "saddle_numbness")
    assert saddle.question == Q.questions["saddle_numbness"].text
    assert saddle.answer == Q.questions["saddle_numbness"].yes


def test_psychosocial_row_carries_the_exact_label() -> None:
    rows = present.score_rows(assess({"age": 40, "worry": True, "low_mood": True}))
    psycho = rows[-1]
    assert PSYCHOSOCIAL_LABEL == "adapted, not a validated score"
    assert PSYCHOSOCIAL_LABEL in psycho.note
    assert psycho.value.startswith("Medium (2 of 5 points)")


@pytest.mark.parametrize(
    ("weeks", "value"),
    [(0, "Acute"), (5.9, "Acute"), (6, "Subacute"), (12, "Subacute"), (12.5, "Chronic")],
)
def test_duration_row_at_thresholds(weeks: float, value: str) -> None:
    row = present.score_rows(assess({"age": 40, "duration_weeks": weeks}))[1]
    assert row.value.startswith(value)
    assert f"{weeks:g} weeks" in row.note


@pytest.mark.parametrize(
    ("pain", "band"),
    [(0, "None"), (3, "Mild"), (4, "Moderate"), (6, "Moderate"), (7, "Severe"), (10, "Severe")],
)
def test_pain_row_at_thresholds(pain: int, band: str) -> None:
    assert present.score_rows(assess({"age": 40, "pain_now": pain}))[0].value == band


def test_unanswered_rows_say_so() -> None:
    rows = present.score_rows(assess({"age": 40}))
    assert rows[0].value == "Not answered" and rows[1].value == "Not answered"


def test_unanswered_list_leaves_out_questions_that_do_not_apply() -> None:
    answers = {**VIGNETTES["P10"]["answers"], "leg_weakness": "none"}
    answers.pop("weakness_getting_worse", None)
    view = present.result_view(Q, assess(answers))
    assert "weakness_getting_worse" not in {u.key for u in view.unanswered}


@pytest.mark.parametrize("index", range(len(Q.steps)))
def test_progress_counts_steps(index: int) -> None:
    fraction, label = present.progress(index, Q)
    assert fraction == pytest.approx((index + 1) / len(Q.steps))
    assert label.startswith(f"Step {index + 1} of {len(Q.steps)}")
    assert Q.steps[index].title in label


def test_age_is_required_on_the_first_step_only() -> None:
    first = Q.steps[0]
    assert [q.key for q in present.required_missing(first, {})] == ["age"]
    assert present.required_missing(first, {"age": 30}) == ()
    assert all(present.required_missing(s, {}) == () for s in Q.steps[1:])


def test_answers_changed() -> None:
    from backcare import assess
    from backcare.present import answers_changed

    answers = {"age": 40, "worse_with": ["walking", "bending"], "fever": False}
    result = assess(answers)
    assert not answers_changed(dict(answers), result)
    assert not answers_changed({**answers, "worse_with": ["bending", "walking"]}, result)
    assert answers_changed({**answers, "fever": True}, result)
    assert answers_changed({**answers, "pain_now": 99}, result)  # now invalid: not current
