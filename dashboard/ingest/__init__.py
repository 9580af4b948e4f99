"""Importing users' files: read → map headers → parse → resolve municipalities → validate → store.

`prepare` checks a file without writing; `import_prepared` writes it as one batch, whole or not
at all (or, when asked, the valid rows with the rejected ones kept beside them).
"""

from dashboard.ingest import inventory_plan, problems, values
from dashboard.ingest.pipeline import Prepared, prepare
from dashboard.ingest.problems import ERROR, WARNING, FileRejected, ImportRejected, Problem
from dashboard.ingest.storing import import_file, import_prepared, plan_for

__all__ = ["ERROR", "WARNING", "FileRejected", "ImportRejected", "Prepared", "Problem", "import_file",
           "import_prepared", "inventory_plan", "plan_for", "prepare", "problems", "values"]
