"""Sub-commands of ``python -m backcare``. Each module has ``register(subparsers)``.

To add a command, write a module here with a ``register`` function that adds
its sub-parser and sets ``func`` (returning the exit code), then list it below.
"""

MODULES = ("assess", "questionnaire", "plan", "diary", "report", "score")
