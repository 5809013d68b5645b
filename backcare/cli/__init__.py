"""The command line: ``python -m backcare COMMAND ...`` (`main`) and one module a command.

Each command module has ``register(subparsers)``: it adds its sub-parser and
sets ``func`` (returning the exit code). To add a command, write a module here
and list it in `MODULES`.

May import: anything in `backcare`. Nothing imports `backcare.cli` except
``backcare/__main__.py``.
"""

MODULES = ("assess", "questionnaire", "plan", "diary", "report", "score", "fhir")
