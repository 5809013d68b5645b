"""The pain and activity diary: entries, trends, storage and the GP report.

What lives here: diary entries and their CSV/JSON import and export
(`entries`), the trend rules and charts (`trends`), storage in SQLite or
memory through SQLAlchemy (`storage`), and the PDF report (`report`).

May import: `backcare.engine` and `backcare.content` (and, for the report, the
plan model of `backcare.planner`). Never `present`, `batch` or `cli`.
"""
