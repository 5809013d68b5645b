"""The exercise planner: a person's time and triaged answers in, a safe plan out.

What lives here: the exercise library (`library`), the profile and plan model
(`model`), the safety rules of spec section 6 and the v2 gate of safety
questions asked before any plan (`safety`), choosing and dosing
exercises (`choose`), laying out weeks and building the plan (`build`),
adjusting it after pain feedback (`adjust`), and exports to calendar, CSV and
a printable page (`export`).

May import: `backcare.engine` and `backcare.content`. Never `diary`,
`present`, `batch` or `cli`.
"""

from backcare.planner.adjust import FeedbackError, adjust
from backcare.planner.build import plan
from backcare.planner.choose import dose_text
from backcare.planner.model import Plan, ProfileError, Refusal
from backcare.planner.safety import (
    ASSESSMENT_MAX_AGE_DAYS,
    UNTRIAGED,
    WHO_AEROBIC_MINUTES,
    assessment_is_recent,
    refusal,
    safety_questions_for_plan,
)

__all__ = [
    "ASSESSMENT_MAX_AGE_DAYS",
    "UNTRIAGED",
    "WHO_AEROBIC_MINUTES",
    "FeedbackError",
    "Plan",
    "ProfileError",
    "Refusal",
    "adjust",
    "assessment_is_recent",
    "dose_text",
    "plan",
    "refusal",
    "safety_questions_for_plan",
]
