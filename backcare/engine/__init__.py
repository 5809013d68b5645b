"""The assessment engine: one answer set in, one explained result out.

What lives here: the answers contract and its validation (`answers`), the
three-valued logic rules are written in (`logic`), the warning signs shared by
triage and patterns (`signs`), the triage rules (`triage`), the pattern rules
(`patterns`), the scores (`scores`), the frozen result types (`results`),
`assess` itself (`evaluate`) and the loader of the wording a result carries
(`wording`: `data/triage.yaml`, `data/patterns.yaml`).

May import: the standard library and PyYAML only. Nothing else of `backcare`
may be imported here; every other subpackage builds on this one.
"""

#: The clinical contract this engine implements (`shared/spec/clinical-rules.md`
#: says ``SPEC_VERSION = "2"``); every result's JSON carries it.
SPEC_VERSION = "2"
