"""Red-flag conditions shared by triage (section 2) and patterns (section 3).

Each is defined once here so that the emergency rule and the pattern it
points to can never drift apart.
"""

from __future__ import annotations

from backcare.engine.logic import all_of, any_of, at_least, below, has, is_, yes

ANY_SIDE = ("one_leg", "both_legs")

#: NHS cauda equina warning card (GIRFT National Suspected CES Pathway, 2023):
#: for a lay tool any single sign counts.
CES_SIGNS = any_of(
    yes("saddle_numbness"), yes("bladder_change"), yes("bowel_change"), yes("sexual_change")
)
BOTH_LEGS_NEURO = any_of(is_("leg_weakness", "both_legs"), is_("leg_numbness", "both_legs"))
#: New pain in both legs (bilateral sciatica). An unknown duration counts as
#: "could be new": the NHS CES card lists sciatica in both legs as a warning sign.
NEW_BILATERAL_LEG_PAIN = all_of(
    is_("leg_pain", "both_legs"), below("duration_weeks", 6, missing=True)
)
LEG_WEAKNESS = is_("leg_weakness", *ANY_SIDE)
LEG_NUMBNESS = is_("leg_numbness", *ANY_SIDE)
PROGRESSIVE_DEFICIT = any_of(
    all_of(yes("weakness_getting_worse"), LEG_WEAKNESS),
    all_of(yes("walking_unsteady"), any_of(LEG_WEAKNESS, LEG_NUMBNESS)),
)
MAJOR_TRAUMA = is_("trauma", "major")
#: NICE CG75 / NG234: cancer with neurological signs suggests cord compression.
CORD_COMPRESSION = all_of(
    yes("cancer_history"), any_of(LEG_WEAKNESS, LEG_NUMBNESS, yes("walking_unsteady"))
)
#: Finucane et al. JOSPT 2020; NICE CKS: fever with a route for infection.
SPINAL_INFECTION = all_of(
    yes("fever"),
    any_of(yes("iv_drug_use"), yes("immunosuppressed"), yes("recent_infection_or_procedure")),
)
#: Fragility-fracture risk: osteoporosis, long-term steroids or age 70 and over
#: (Downie et al., BMJ 2013; NICE CKS).
FRACTURE_RISK = any_of(yes("osteoporosis"), yes("long_term_steroids"), at_least("age", 70))
OSTEOPOROTIC_FRACTURE = all_of(
    FRACTURE_RISK, any_of(is_("trauma", "minor"), is_("onset", "sudden"))
)
HEIGHT_LOSS_WITH_RISK = all_of(yes("height_loss"), FRACTURE_RISK)
#: NICE NG12: weight loss with age 50+ or constant night pain.
WEIGHT_LOSS_RED_FLAG = all_of(
    yes("unexplained_weight_loss"),
    any_of(at_least("age", 50), is_("night_pain", "constant_not_eased")),
)
NON_MECHANICAL_PAIN = all_of(yes("pain_constant"), is_("night_pain", "constant_not_eased"))
THORACIC_PAIN = has("areas", "upper_back")
