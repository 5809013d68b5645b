"""Render the questionnaire data file as a Markdown document for docs/.

The docs are generated, never hand-written, so they cannot drift from what
the app asks. `tests/test_questionnaire_doc.py` fails if docs/questionnaire.md
is out of date; regenerate it with
``python -m backcare questionnaire -o docs/questionnaire.md``.
"""

from __future__ import annotations

from backcare.content.questionnaire import Question, load
from backcare.engine.answers import Kind

HEADER = """# The BackCare questionnaire

Generated from `data/questionnaire.yaml` by `python -m backcare questionnaire`.
Do not edit by hand. Answer keys and allowed values are the clinical contract
(`shared/spec/clinical-rules.md`, section 1). Questions marked **safety** are
used by an emergency or urgent triage rule: when one is not answered, the app
asks it before it shows a self-care result.
"""


def _allowed(q: Question) -> str:
    if q.kind is Kind.BOOL:
        return f"`true` ({q.yes}) / `false` ({q.no})"
    if q.kind in (Kind.INTEGER, Kind.NUMBER):
        kind = "whole number" if q.kind is Kind.INTEGER else "number"
        return f"{kind} {q.minimum:g} to {q.maximum:g} {q.unit}".rstrip()
    joined = "; ".join(f"`{v}` ({label})" for v, label in q.choices)
    return ("any of: " if q.kind is Kind.MULTI else "one of: ") + joined


def render() -> str:
    lines = [HEADER]
    for number, step in enumerate(load().steps, start=1):
        lines += [f"## Step {number}: {step.title}", "", step.intro, ""]
        for q in step.questions:
            tags = [t for t, on in (("required", q.required), ("safety", q.safety)) if on]
            suffix = f" ({', '.join(tags)})" if tags else ""
            lines.append(f"- **{q.text}** `{q.key}`{suffix}")
            if q.help:
                lines.append(f"  - Help: {q.help}")
            lines.append(f"  - Answer: {_allowed(q)}")
            if q.show_if:
                cond = " and ".join(f"`{k}` is {' or '.join(map(str, v))}" for k, v in q.show_if)
                lines.append(f"  - Asked only when {cond}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
