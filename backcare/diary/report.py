"""The report a person can hand to their GP or physiotherapist: a one- or two-page PDF.

Made with fpdf2's built-in Helvetica, so no font is fetched or shipped. Those
core fonts only hold Latin-1 characters, so every string goes through
`latin1` first: curly quotes and dashes become plain ones and emoji are
dropped, instead of failing or printing boxes. The pain chart is the same
Altair chart as on the Progress page, rendered to PNG offline by vl-convert.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from backcare.diary.entries import DiaryEntry
from backcare.diary.trends import (
    REPORT_CHART_DAYS,
    TREND_WINDOW_DAYS,
    chart_png,
    pain_chart,
    summarise,
    wording,
)
from backcare.engine.wording import level_text, pattern_text, triage_text

#: Answers shown under "Key answers", in this order, when answered.
KEY_ANSWERS = (
    "age",
    "sex",
    "pain_now",
    "pain_week_worst",
    "duration_weeks",
    "onset",
    "trauma",
    "areas",
    "leg_pain",
    "leg_numbness",
    "leg_weakness",
    "worse_with",
    "better_with",
    "night_pain",
)
#: Diary notes in the report: the latest few, shortened, to keep it to two pages.
NOTES_SHOWN = 4
NOTE_CHARS = 200
MAX_PLAN_EXERCISES = 10

_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2212": "-",
    "\u00a0": " ",
}


def latin1(text: Any) -> str:
    """Text the core PDF fonts can show: common symbols mapped, anything else dropped."""
    out = []
    for ch in str(text):
        ch = _REPLACEMENTS.get(ch, ch)
        try:
            ch.encode("latin-1")
        except UnicodeEncodeError:
            ch = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
        out.append(ch)
    return "".join(c for c in "".join(out) if c in "\n\t" or unicodedata.category(c)[0] != "C")


class _Doc(FPDF):
    """A4 portrait with a small footer that repeats the not-a-diagnosis point."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, latin1(f"{self.footer_text}   Page {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(0, 0, 0)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)


def _para(pdf: FPDF, text: str, style: str = "", size: int = 10) -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(0, 5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)


def _label(pdf: FPDF, text: str, body_size: int = 10) -> None:
    """A bold sub-label on its own line; the text after it is set in `body_size`."""
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", body_size)


def _bullet(pdf: FPDF, text: str) -> None:
    pdf.set_x(pdf.l_margin + 3)
    pdf.multi_cell(0, 5, latin1(f"- {text}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _answer_lines(answers: Mapping[str, Any]) -> list[str]:
    from backcare.content.questionnaire import load

    questions = load().questions
    lines = []
    for key in KEY_ANSWERS:
        if answers.get(key) is None or key not in questions:
            continue
        q = questions[key]
        lines.append(f"{q.text} {q.label(answers[key])}")
    return lines


def _assessment(
    pdf: FPDF,
    result: Mapping[str, Any] | None,
    answers: Mapping[str, Any],
    taken: dt.datetime | dt.date | None,
) -> None:
    words = wording()["report"]
    _heading(pdf, words["assessment"])
    if not result:
        _para(pdf, words["no_assessment"])
        return
    level = level_text(str(result["triage"]))
    when = f" ({taken:%Y-%m-%d})" if taken else ""
    _para(pdf, f"{words['level']}{when}: {level.title}. {level.headline}", "B", 11)
    _para(pdf, level.action)
    reasons = [r.get("text", "") for r in result.get("reasons", [])]
    if reasons:
        _label(pdf, words["reasons"])
        for text in reasons:
            _bullet(pdf, text)
    names = pattern_text()
    patterns = result.get("patterns", [])
    _label(pdf, words["patterns"])
    if not patterns:
        _bullet(pdf, words["no_patterns"])
    for p in patterns[:4]:
        name = names[p["id"]].name if p["id"] in names else p["id"]
        _bullet(pdf, f"{name} ({p['strength']})")
    lines = _answer_lines(answers)
    if lines:
        _label(pdf, words["key_answers"], body_size=9)
        for line in lines:
            _bullet(pdf, line)
        pdf.set_font("Helvetica", "", 10)


def _trend(
    pdf: FPDF, entries: Sequence[DiaryEntry], today: dt.date, reported: tuple[float, dt.date] | None
) -> None:
    words = wording()["report"]
    _heading(pdf, words["trend"])
    if not entries:
        _para(pdf, words["no_diary"])
        return
    trend = summarise(entries, today=today, reported=reported)
    _para(pdf, f"{entries[0].date.isoformat()} to {entries[-1].date.isoformat()}. {trend.text}")
    if trend.advice:
        _para(pdf, trend.advice, "B")
    _para(pdf, wording()["meaningful_change"], "I", 9)
    chart = pain_chart(entries, width=560, height=200, days=REPORT_CHART_DAYS)
    png = chart_png(chart, scale=2)
    pdf.image(io.BytesIO(png), w=pdf.epw)


def _diary(pdf: FPDF, entries: Sequence[DiaryEntry], today: dt.date) -> None:
    words = wording()["report"]
    start = today - dt.timedelta(days=TREND_WINDOW_DAYS - 1)
    recent = [e for e in entries if start <= e.date <= today]
    _heading(pdf, f"{words['diary']} ({start.isoformat()} to {today.isoformat()})")
    if not recent:
        _para(pdf, words["no_diary"])
        return
    n = len(recent)
    sleep = Counter(e.sleep for e in recent if e.sleep)
    rows = [
        (words["diary_days"], f"{n} of {TREND_WINDOW_DAYS}"),
        (words["pain_now_avg"], f"{sum(e.pain_now for e in recent) / n:.1f} / 10"),
        (words["pain_worst_avg"], f"{sum(e.pain_worst for e in recent) / n:.1f} / 10"),
        (words["minutes_total"], str(sum(e.active_minutes for e in recent))),
        (words["leg_pain_days"], str(sum(e.leg_pain for e in recent))),
        (
            words["sleep"],
            ", ".join(f"{k} {sleep[k]}" for k in ("good", "fair", "poor") if sleep[k]) or "-",
        ),
    ]
    for label, value in rows:
        pdf.cell(70, 5, latin1(label))
        pdf.cell(0, 5, latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    noted = [e for e in reversed(recent) if e.notes.strip()][:NOTES_SHOWN]
    if noted:
        _label(pdf, words["recent_notes"], body_size=9)
        for e in noted:
            note = " ".join(e.notes.split())
            note = note if len(note) <= NOTE_CHARS else note[: NOTE_CHARS - 3] + "..."
            _bullet(pdf, f"{e.date.isoformat()}: {note}")
        pdf.set_font("Helvetica", "", 10)


def _plan(pdf: FPDF, plan: Mapping[str, Any] | None) -> None:
    words = wording()["report"]
    _heading(pdf, words["plan"])
    if not plan or not plan.get("weeks"):
        _para(pdf, str(plan["refused"]) if plan and plan.get("refused") else words["no_plan"])
        return
    seen: dict[str, str] = {}
    for week in plan["weeks"]:
        for session in week.get("sessions") or []:
            for ex in session.get("exercises") or []:
                key = str(ex.get("id", ex.get("name", "")))
                if key and key not in seen:
                    seen[key] = f"{ex.get('name', key)}: {ex.get('dose', '')}".rstrip(": ")
    weeks = plan["weeks"]
    totals = weeks[0].get("totals") or {}
    count = f"{len(weeks)} week" + ("" if len(weeks) == 1 else "s")
    _para(
        pdf,
        f"{count}. Week 1: {totals.get('aerobic_minutes', '-')} minutes of "
        f"aerobic activity, strength on {totals.get('strength_days', '-')} days.",
    )
    for line in list(seen.values())[:MAX_PLAN_EXERCISES]:
        _bullet(pdf, line)


def build_report(
    *,
    result: Mapping[str, Any] | None,
    answers: Mapping[str, Any] | None,
    entries: Sequence[DiaryEntry],
    plan: Mapping[str, Any] | None = None,
    taken_at: dt.datetime | dt.date | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The whole report as PDF bytes.

    ``result`` is ``Assessment.to_dict()`` (or None before any symptom check);
    ``entries`` is the diary (any order); ``plan`` the exercise plan dict.
    """
    today = today or dt.date.today()
    taken_at = taken_at or (today if result else None)
    entries = sorted(entries, key=lambda e: e.date)
    answers = dict(answers or {})
    words = wording()["report"]
    note = triage_text().not_a_diagnosis
    pdf = _Doc(format="A4")
    pdf.footer_text = "BackCare. " + note.split(".")[0] + "."
    pdf.set_title(latin1(words["title"]))
    pdf.set_creator("BackCare")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 12, 15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, latin1(words["title"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _para(pdf, f"{today.isoformat()}. {words['intro']}", size=9)
    reported = None
    if result and answers.get("duration_weeks") is not None and taken_at is not None:
        day = taken_at.date() if isinstance(taken_at, dt.datetime) else taken_at
        reported = (float(answers["duration_weeks"]), day)
    _assessment(pdf, result, answers, taken_at)
    _trend(pdf, entries, today, reported)
    _diary(pdf, entries, today)
    _plan(pdf, plan)
    _heading(pdf, words["safety_net"])
    for line in triage_text().safety_net:
        _bullet(pdf, line)
    _heading(pdf, words["not_a_diagnosis_title"])
    _para(pdf, note, "B")
    return bytes(pdf.output())
