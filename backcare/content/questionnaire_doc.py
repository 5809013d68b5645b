"""Render the questionnaire data file as a Markdown document for docs/.

The docs are generated, never hand-written, so they cannot drift from what
the app asks. `tests/test_questionnaire_doc.py` fails if docs/questionnaire.md
is out of date; regenerate it with
``python -m backcare questionnaire -o docs/questionnaire.md``.
"""

from __future__ import annotations

from backcare.content.questionnaire import Checklist, Question, load
from backcare.engine.answers import Kind

HEADER = """# The BackCare questionnaire

Generated from `data/questionnaire.yaml` by `python -m backcare questionnaire`.
Do not edit by hand. Answer keys and allowed values are the clinical contract
(`shared/spec/clinical-rules.md`, section 1). Questions marked **safety** are
used by an emergency or urgent triage rule: when one is not answered, the app
asks it before it shows a result below emergency.

## How the questions are asked

- **One question, one answer key.** Every answer key is asked in exactly one
  step. A missing answer means "not answered", never "no".
- **Asked only when.** A follow-up written as "`key` is a or b" waits for that
  answer: it is not asked until the answer is given. A test marked "(or not
  answered yet)" excludes a question only once the answer is known, so while
  it is missing the question is asked (safer to ask). Example: the pregnancy
  question is asked when sex is not male and age is 55 or under, and also
  while sex or age is not answered; "prefer not to say" and "other" are asked.
- **Checklists** ("Do any of these apply?") show several yes/no questions, and
  the values of list questions, as tick boxes on one screen, followed by one
  confirming box: "None of these ..." while nothing is ticked, "None of the
  others ..." once something is. A ticked box is "yes" (or that value of the
  list). An unticked box is "no" (or leaves the value out, recording an empty
  list when none of its values is ticked) only when the confirming box is
  ticked; otherwise it stays unanswered. So a person who skips the checklist
  records nothing, and a person who says "none of these" records "no" to each.
  Each checklist item keeps its own full question below: that wording is used
  when the app asks a single open safety question on its own, and when it
  quotes an answer back.
- **List questions with "None of these".** Ticking only "None of these"
  records an empty list (answered: none). Ticking nothing records nothing.
- **Pages** draw a step from `Step.items` (a `Question` or a `Checklist`) and
  map tick boxes to answers with `checklist_answers` and back with
  `checklist_ticked` (`backcare/content/questionnaire.py`).
"""


def _allowed(q: Question) -> str:
    if q.kind is Kind.BOOL:
        return f"`true` ({q.yes}) / `false` ({q.no})"
    if q.kind in (Kind.INTEGER, Kind.NUMBER):
        kind = "whole number" if q.kind is Kind.INTEGER else "number"
        return f"{kind} {q.minimum:g} to {q.maximum:g} {q.unit}".rstrip()
    joined = "; ".join(f"`{v}` ({label})" for v, label in q.choices)
    if q.kind is Kind.MULTI:
        none = f"; or `[]` ({q.none})" if q.none else ""
        return f"any of: {joined}{none}"
    return f"one of: {joined}"


def _question(q: Question, indent: str = "") -> list[str]:
    tags = [t for t, on in (("required", q.required), ("safety", q.safety)) if on]
    suffix = f" ({', '.join(tags)})" if tags else ""
    lines = [f"{indent}- **{q.text}** `{q.key}`{suffix}"]
    if q.tick:
        lines.append(f"{indent}  - Tick box: {q.tick}")
    if q.help:
        lines.append(f"{indent}  - Help: {q.help}")
    lines.append(f"{indent}  - Answer: {_allowed(q)}")
    if q.show_if:
        lines.append(f"{indent}  - Asked only when {' and '.join(c.describe() for c in q.show_if)}")
    return lines


def _checklist(c: Checklist) -> list[str]:
    lines = [f"- Checklist `{c.id}`: **{c.text}**"]
    if c.help:
        lines.append(f"  - Help: {c.help}")
    lines.append(f'  - Confirming box: "{c.none_label}" / "{c.others_label}"')
    lines.append("  - Items:")
    for q in c.members:
        lines += _question(q, indent="    ")
    return lines


def render() -> str:
    lines = [HEADER]
    for number, step in enumerate(load().steps, start=1):
        lines += [f"## Step {number}: {step.title}", "", step.intro, ""]
        for item in step.items:
            lines += _checklist(item) if isinstance(item, Checklist) else _question(item)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
