"""Exercise plan: the person's free time in, a safe week-by-week plan out.

Layout only. `backcare.planner.build.plan` makes every decision (what is safe, how
much, when); the words come from `data/planner.yaml` and the exercise library.
The plan is kept in ``st.session_state[SessionKey.PLAN]`` (the `python -m backcare plan`
JSON shape) for the Progress page and the doctor's report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from backcare import ValidationError, planner, present
from backcare.planner import export as plan_export
from backcare.planner import library
from backcare.planner.model import (
    DEFAULT_SESSION_TIME,
    FITNESS,
    MINUTES_RANGE,
    PREGNANCY_WEEKS_RANGE,
    WEEKDAYS,
    WEEKS_RANGE,
    ProfileError,
)
from backcare.planner.model import planner_text as _planner_text
from pages.shell import flow, safe, store, ui
from pages.shell.state import SessionKey

ui.use_app_navigation(__file__)

#: After these results the person may say a doctor or physio cleared them (spec 6 v2).
CLEARABLE = ("urgent", "soon")
#: These results get no plan until the person says they were cleared.
NO_PLAN_UNTIL_CLEARED = ("urgent",)
DEFAULT_PROFILE = {
    "days": ["mon", "wed", "fri"],
    "minutes_per_session": 30,
    "weeks": 6,
    "fitness": "moderate",
    "equipment": [],
}
CATEGORY_ICONS = {
    "aerobic": ":material/directions_walk:",
    "strength": ":material/fitness_center:",
    "balance": ":material/accessibility_new:",
    "flexibility": ":material/self_improvement:",
    "relaxation": ":material/spa:",
}


@st.cache_data(show_spinner=False)
def planner_text() -> dict[str, Any]:
    return _planner_text()


words = planner_text()["page"]


def _defaults() -> dict[str, Any]:
    """The last plan's profile (so the form keeps what the person chose), else defaults."""
    old = (st.session_state.get(SessionKey.PLAN) or {}).get("profile") or {}
    return {**DEFAULT_PROFILE, **old}


def _profile_form(level: str, answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """The profile form; returns the profile when it is sent.

    After an urgent or soon result it offers the "a doctor or physio has checked
    me" box (spec section 6 v2); when the person is pregnant, the weeks.
    """
    d = _defaults()
    with st.form("plan_form"):
        st.header(words["form_title"])
        days = st.multiselect(
            words["days"],
            WEEKDAYS,
            default=d["days"],
            format_func=words["day_names"].get,
            key="plan_days",
        )
        minutes = st.slider(
            words["minutes"],
            *MINUTES_RANGE,
            value=d["minutes_per_session"],
            step=5,
            key="plan_minutes",
        )
        weeks = st.slider(words["weeks"], *WEEKS_RANGE, value=d["weeks"], key="plan_weeks")
        fitness = st.radio(
            words["fitness"],
            FITNESS,
            index=FITNESS.index(d["fitness"]),
            format_func=words["fitness_names"].get,
            key="plan_fitness",
        )
        kit = st.multiselect(
            words["equipment"],
            list(words["equipment_names"]),
            default=d["equipment"],
            format_func=words["equipment_names"].get,
            key="plan_equipment",
        )
        start = st.date_input(words["start_date"], value=store.today(), key="plan_start")
        at = st.time_input(
            words["session_time"],
            value=dt.time.fromisoformat(d.get("session_time", DEFAULT_SESSION_TIME)),
            step=dt.timedelta(minutes=15),
            key="plan_time",
        )
        extra: dict[str, Any] = {}
        if answers.get("pregnant") is True:
            extra["pregnancy_weeks"] = st.number_input(
                words["pregnancy_weeks"],
                *PREGNANCY_WEEKS_RANGE,
                value=d.get("pregnancy_weeks"),
                step=1,
                key="plan_pregnancy_weeks",
            )
        if level in CLEARABLE:
            extra["cleared"] = st.checkbox(
                words["cleared"],
                value=bool(d.get("cleared")),
                help=words["cleared_help"],
                key="plan_cleared",
            )
        if not st.form_submit_button(words["submit"], type="primary", key="plan_submit"):
            return None
    profile = {
        "days": days,
        "minutes_per_session": minutes,
        "weeks": weeks,
        "fitness": fitness,
        "equipment": kit,
        "start_date": start.isoformat(),
        "session_time": at.strftime("%H:%M"),
        "timezone": store.timezone_name(),
        **{k: v for k, v in extra.items() if v is not None and v is not False},
    }
    return profile


def _show_refusal(refused: Mapping[str, Any]) -> None:
    st.error(f"## {words['refused_title']}\n\n{refused['refused']}", icon=":material/emergency:")
    if refused.get("can_be_cleared"):
        st.info(words["cleared_hint"], icon=":material/stethoscope:")
    ui.emergency_signs()


def _chart(plan: Mapping[str, Any]) -> alt.LayerChart:
    rows = pd.DataFrame(plan_export.weekly_minutes(plan))
    # Aerobic work at the bottom of each bar, so it reads straight against the WHO line.
    rows["order"] = rows["category"].map(plan_export.CATEGORY_ORDER.index)
    rows["category"] = rows["category"].map(words["category_names"])
    bars = (
        alt.Chart(rows)
        .mark_bar()
        .encode(
            x=alt.X("week:O", title=words["axis_week"], axis=alt.Axis(labelAngle=0)),
            y=alt.Y("minutes:Q", title=words["axis_minutes"], stack="zero"),
            order=alt.Order("order:Q", sort="ascending"),
            color=alt.Color(
                "category:N",
                title=None,
                sort=[words["category_names"][c] for c in plan_export.CATEGORY_ORDER],
            ),
            tooltip=["week", "category", "minutes"],
        )
    )
    target = pd.DataFrame({"minutes": [planner.WHO_AEROBIC_MINUTES], "label": [words["who_label"]]})
    line = (
        alt.Chart(target)
        .mark_rule(strokeDash=[6, 4], color="#b00020", size=2)
        .encode(y="minutes:Q")
    )
    text = (
        alt.Chart(target)
        .mark_text(align="left", dx=4, dy=-8, color="#b00020")
        .encode(y="minutes:Q", x=alt.value(0), text="label:N")
    )
    return alt.layer(bars, line, text).properties(height=300)


def _session_lines(items: list[Mapping[str, Any]]) -> str:
    return "\n".join(f"- **{e['name']}**: {e['dose']}" for e in items)


def _weeks(plan: Mapping[str, Any]) -> None:
    st.header(words["weeks_title"])
    for week in plan["weeks"]:
        t = week["totals"]
        label = words["week_label"].format(
            week=week["week"], aerobic=t["aerobic_minutes"], strength=t["strength_days"]
        )
        with st.expander(label, expanded=week["week"] == 1):
            for session in week["sessions"]:
                day = dt.date.fromisoformat(session["date"])
                st.markdown(f"**{day:%A %d %B}** ({session['minutes']} min)")
                st.markdown(_session_lines(session["exercises"]))
                st.caption(
                    words["bad_day"]
                    + " "
                    + "; ".join(
                        f"{e['name']} ({e['dose']})" for e in session["minimum_day"]["exercises"]
                    )
                )


def _cards(plan: Mapping[str, Any]) -> None:
    st.header(words["cards_title"])
    seen = dict.fromkeys(
        e["id"] for w in plan["weeks"] for s in w["sessions"] for e in s["exercises"]
    )
    for ex_id in seen:
        ex = library.get(ex_id)
        with st.container(border=True):
            picture, text = st.columns([1, 5])
            drawing = library.illustration(ex)
            if drawing:
                picture.image(drawing, width=90, alt=words["drawing_alt"].format(name=ex.name))
            text.markdown(f"### {CATEGORY_ICONS.get(ex.category, '')} {ex.name}")
            text.caption(f"{words['category_names'][ex.category]} · {planner.dose_text(ex)}")
            text.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(ex.steps, start=1)))
            text.markdown(f"**{words['safety']}:** " + " ".join(ex.safety))
            text.caption(f"{words['source']}: {ex.source}")


def _left_out(plan: Mapping[str, Any]) -> None:
    st.header(words["left_out_title"])
    if not plan["left_out"]:
        st.write(words["nothing_left_out"])
        return
    ui.bullet_list([f"**{x.get('name', x['id'])}**: {x['why']}" for x in plan["left_out"]])


def _exported(plan: Mapping[str, Any]) -> None:
    """Remember the plan last put in the calendar, so the next export can cancel
    the sessions a changed plan no longer has."""
    st.session_state[SessionKey.EXPORTED_PLAN] = dict(plan)


def _downloads(plan: Mapping[str, Any]) -> None:
    st.header(words["downloads_title"])
    cols = st.columns(3)
    cols[0].download_button(
        words["download_ics"],
        data=plan_export.to_ics(plan, previous=st.session_state.get(SessionKey.EXPORTED_PLAN)),
        file_name="backcare-plan.ics",
        mime="text/calendar",
        key="plan_ics",
        on_click=_exported,
        args=(plan,),
    )
    cols[1].download_button(
        words["download_csv"],
        data=plan_export.to_csv(plan),
        file_name="backcare-plan.csv",
        mime="text/csv",
        key="plan_csv",
        on_click="ignore",
    )
    cols[2].download_button(
        words["download_html"],
        data=plan_export.to_html(plan),
        file_name="backcare-plan.html",
        mime="text/html",
        key="plan_html",
        on_click="ignore",
    )
    st.caption(words["print_hint"])
    with st.expander(words["printable_title"]):
        st.markdown(plan_export.to_markdown(plan))


def show_plan(plan: Mapping[str, Any]) -> None:
    if plan.get("refused"):
        _show_refusal(plan)
        return
    st.success(words["ready"], icon=":material/check_circle:")
    if plan.get("changes"):
        st.header(words["changes_title"])
        ui.bullet_list([c["why"] for c in plan["changes"]])
    st.header(words["notes_title"])
    ui.bullet_list(plan.get("notes", []))
    st.header(words["chart_title"])
    st.altair_chart(_chart(plan), width="stretch")
    st.caption(words["chart_caption"])
    _weeks(plan)
    _cards(plan)
    _left_out(plan)
    _downloads(plan)


# ----------------------------------------------------------------- the page
st.title(words["title"])
ui.not_a_diagnosis()
st.write(words["intro"])

assessment = flow.latest_assessment()
if assessment is not None and assessment.triage.value == "emergency":
    refused = planner.refusal("emergency")
    st.session_state[SessionKey.PLAN] = refused.to_dict()
    ui.level_banner(present.banner(assessment.triage))
    _show_refusal(st.session_state[SessionKey.PLAN])
    st.stop()

answers = dict(assessment.answers) if assessment is not None else ui.answers()
asks = flow.plan_questions(answers)
if assessment is None or asks:
    # Spec section 6 (v2): never a plan from untriaged answers. Ask the emergency
    # and urgent safety questions first, with the same gate as the symptom check.
    st.warning(
        words["no_check"] if assessment is None else words["more_questions"], icon=":material/info:"
    )
    st.markdown(f"**{words['gate_title']}**")
    st.write(words["gate_intro"])
    if st.button(
        words["gate_button"], key="plan_gate", type="primary", icon=":material/checklist:"
    ):
        flow.ask_then_return(asks or ("age",), flow.PLAN_PAGE)
    st.page_link("pages/symptom_check.py", label=words["start_check"], icon=":material/checklist:")
    ui.emergency_signs()
    st.stop()

st.info(words["using_check"], icon=":material/stethoscope:")
ui.level_banner(present.banner(assessment.triage))
level = assessment.triage.value
sent = _profile_form(level, answers)
if sent is not None:
    try:
        result = planner.plan(sent, answers, today=store.today(), unknown=flow.dont_know())
    except ProfileError as exc:
        st.error(
            words["bad_profile"]
            + "\n\n"
            + "\n".join(
                f"- {safe.plain(field)}: {safe.plain(problem)}"
                for field, problem in exc.errors.items()
            ),
            icon=":material/error:",
        )
    except ValidationError as exc:
        st.error(
            words["bad_answers"]
            + "\n\n"
            + "\n".join(f"- {safe.plain(e.message())}" for e in exc.errors),
            icon=":material/error:",
        )
    else:
        st.session_state[SessionKey.PLAN] = result.to_dict()
elif level in NO_PLAN_UNTIL_CLEARED and not st.session_state.get(SessionKey.PLAN):
    _show_refusal(planner.refusal(level).to_dict())

if st.session_state.get(SessionKey.PLAN):
    show_plan(st.session_state[SessionKey.PLAN])
