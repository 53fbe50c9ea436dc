"""Report stage: problems as GitHub Actions annotations, so a pull request shows each on its line.

Diagnostics name files relative to the content folder, which is what editors
read; the forge wants them relative to the repository, so the content folder
is put in front of them here and nowhere else.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.core.errors import Diagnostic


def on_github() -> bool:
    """Say whether this process runs inside GitHub Actions (the runner sets GITHUB_ACTIONS=true)."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def github_annotation(diagnostic: Diagnostic, content: Path, repo_root: Path | None = None) -> str:
    """Format one diagnostic as a `::error file=…,line=…::…` workflow command."""
    root = repo_root or Path.cwd()
    file = Path(os.path.relpath(content.resolve() / diagnostic.path, root.resolve())).as_posix()
    level = "error" if diagnostic.severity == "error" else "warning"
    return f"::{level} file={_escape_property(file)},line={diagnostic.line}::{_escape_data(diagnostic.message)}"


def _escape_data(text: str) -> str:
    """Escape a message so that line breaks and % survive the runner's parsing."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """Escape a property value, where : and , also separate fields."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
