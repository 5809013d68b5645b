"""Content a person reads, loaded from `data/` into frozen, checked objects.

What lives here: the questionnaire (`questionnaire`, and its Markdown rendering
in `questionnaire_doc`), the condition explainers and their search
(`conditions`).

May import: `backcare.engine` (for the answers contract, pattern ids and the
YAML loader). Never `planner`, `diary`, `present`, `batch` or `cli`.
"""
