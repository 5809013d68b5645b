"""Exports to other systems: what BackCare hands to a clinical record.

What lives here: the FHIR R4 export (`fhir`): the questionnaire as a FHIR
Questionnaire, and one answer set as a Bundle with its QuestionnaireResponse,
a RiskAssessment for the triage level and reasons, and Observations for the
pain scores. Plain dicts in, plain JSON-ready dicts out: no FHIR library is
needed at run time (the tests validate the output with ``fhir.resources``).

May import: `backcare.engine`, `backcare.content`, `backcare.planner` and
`backcare.diary`. Never `present`, `batch` or `cli`.
"""
