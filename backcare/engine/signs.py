"""Red-flag conditions shared by triage (section 2) and patterns (section 3).

Each is defined once here so that the emergency rule and the pattern it
points to can never drift apart.
"""

from __future__ import annotations

from backcare.engine.logic import (
    AskedWhen,
    Derived,
    above,
    all_of,
    any_of,
    at_least,
    at_least_n,
    at_most,
    below,
    count_at_least,
    has,
    has_any,
    is_,
    is_not,
    yes,
)

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
#: (v2) Diabetes joins the risk factors (NICE CKS; Finucane et al. 2020).
SPINAL_INFECTION = all_of(
    yes("fever"),
    any_of(
        yes("iv_drug_use"),
        yes("immunosuppressed"),
        yes("recent_infection_or_procedure"),
        yes("diabetes"),
    ),
)
FEVER_OR_UNWELL = any_of(yes("fever"), yes("feels_unwell"))
#: (v2) Fever or feeling very unwell with new nerve signs: a spinal abscess
#: often has no known risk factor (Finucane et al. JOSPT 2020; NICE CKS).
INFECTION_WITH_NERVE_SIGNS = all_of(
    FEVER_OR_UNWELL, any_of(LEG_WEAKNESS, LEG_NUMBNESS, yes("walking_unsteady"))
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

# ---- v2: back pain that does not come from the spine, and combinations ----

#: NICE NG156 and NICE CKS abdominal aortic aneurysm: the risk rises from 50.
ANEURYSM_FROM_AGE = 50
KNOWN_ANEURYSM = yes("known_aneurysm")
ANEURYSM_SYMPTOMS = any_of(
    all_of(
        at_least("age", ANEURYSM_FROM_AGE),
        is_("onset", "sudden"),
        any_of(yes("abdominal_pain"), yes("pulsing_in_abdomen"), yes("fainting")),
    ),
    all_of(yes("pulsing_in_abdomen"), yes("fainting")),
)
AORTIC_ANEURYSM = any_of(KNOWN_ANEURYSM, ANEURYSM_SYMPTOMS)

#: Spontaneous spinal epidural haematoma on warfarin or a direct oral
#: anticoagulant (published case series): nerve signs, or sudden severe pain
#: with no injury. A strain or a fall on a blood thinner alone is not this.
SEVERE_PAIN = 8
BLEED_NERVE_SIGNS = all_of(yes("anticoagulant"), any_of(LEG_WEAKNESS, LEG_NUMBNESS))
BLEED_SUDDEN_PAIN = all_of(
    yes("anticoagulant"),
    is_("trauma", "none"),
    is_("onset", "sudden"),
    at_least("pain_week_worst", SEVERE_PAIN),
)
SPINAL_BLEED = any_of(BLEED_NERVE_SIGNS, BLEED_SUDDEN_PAIN)

#: Fainting with sudden severe pain (a bleed inside the body until shown otherwise).
COLLAPSE_WITH_PAIN = all_of(
    yes("fainting"), at_least("pain_week_worst", SEVERE_PAIN), is_("onset", "sudden")
)

#: Possible cancer with no cancer history (Finucane et al. 2020; Downie et al.
#: BMJ 2013: single red flags are weak, combinations are not; NICE NG234 lists
#: thoracic, progressive and night pain). Night pain counts only when answered
#: and not "none"; unanswered it is "cannot tell", so it stays an open question.
MALIGNANCY_FROM_AGE = 50
MALIGNANCY_MIN_FLAGS = 2
MALIGNANCY_FLAGS = (
    has("areas", "upper_back"),
    is_not("night_pain", "none"),
    yes("pain_constant"),
    yes("getting_worse"),
    yes("unexplained_weight_loss"),
)
POSSIBLE_MALIGNANCY = all_of(
    at_least("age", MALIGNANCY_FROM_AGE), at_least_n(MALIGNANCY_MIN_FLAGS, *MALIGNANCY_FLAGS)
)

SIDE_PAIN = has("areas", "side")
URINE_SYMPTOMS = has_any("urine_symptoms")
#: NICE NG118: colicky pain, with loin pain, blood in the urine or tummy pain.
KIDNEY_STONE = all_of(
    yes("pain_in_waves"),
    any_of(SIDE_PAIN, has("urine_symptoms", "blood"), yes("abdominal_pain")),
)
#: NICE NG111; NHS kidney infection: fever or unwell with loin pain or urine symptoms.
KIDNEY_INFECTION = all_of(FEVER_OR_UNWELL, any_of(SIDE_PAIN, URINE_SYMPTOMS))
SIDE_PAIN_WITH_URINE = all_of(SIDE_PAIN, URINE_SYMPTOMS)

#: NHS shingles: antiviral medicine works best within 3 days of the rash.
SHINGLES = yes("rash")

#: The questionnaire asks about pregnancy only when sex is not male and age is
#: 55 or under (spec section 1). Unanswered outside that, it is read as "no";
#: an answer given is always used (see `logic.AskedWhen`).
PREGNANCY_ASKED_TO_AGE = 55
PREGNANCY_ASKED = all_of(is_not("sex", "male"), at_most("age", PREGNANCY_ASKED_TO_AGE))
PREGNANT = AskedWhen(yes("pregnant"), PREGNANCY_ASKED)
#: Keys the questionnaire asks only under a condition (spec section 1).
ASKED_WHEN = {"pregnant": PREGNANCY_ASKED}
#: Warning signs in pregnancy go to the maternity team now (NHS; ACOG 2020).
PREGNANCY_WARNING = all_of(
    PREGNANT,
    any_of(
        FEVER_OR_UNWELL,
        yes("abdominal_pain"),
        yes("pain_in_waves"),
        URINE_SYMPTOMS,
        at_least("pain_week_worst", SEVERE_PAIN),
    ),
)

#: A doctor should feel the tummy of anyone 50 or over with a pulsing feeling there.
ABDOMINAL_PULSE = all_of(yes("pulsing_in_abdomen"), at_least("age", ANEURYSM_FROM_AGE))

#: Derived value of spec section 2: ``onset_age = age - duration_weeks / 52``.
WEEKS_PER_YEAR = 52


def onset_age(age: float, duration_weeks: float) -> float:
    """The age at which this episode began."""
    return age - duration_weeks / WEEKS_PER_YEAR


#: NICE NG65: refer for spondyloarthritis assessment when back pain began
#: before 45, has lasted over 3 months (12 weeks), with features of it.
SPA_MIN_FEATURES = 2
SPA_ABOVE_WEEKS = 12
SPA_ONSET_BEFORE_AGE = 45
SPA_FEATURES = all_of(
    count_at_least("spa_features", SPA_MIN_FEATURES),
    above("duration_weeks", SPA_ABOVE_WEEKS),
    Derived(
        "onset_age",
        ("age", "duration_weeks"),
        onset_age,
        lambda started: started < SPA_ONSET_BEFORE_AGE,
    ),
)

#: Pain that may start outside the spine (tummy, kidneys, pelvis).
OUTSIDE_SPINE_SIGNS = any_of(yes("abdominal_pain"), URINE_SYMPTOMS, SIDE_PAIN)
