"""Diagnostics: the one way any stage reports a problem in the user's input.

Every stage collects `Diagnostic`s instead of raising on the first problem, so
that an editor sees all mistakes of a build at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file: where it is and, in plain words, how to fix it."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" fails the build, "warning" does not

    def __post_init__(self) -> None:
        # One problem, one line: a message that quotes a value spanning lines (a YAML block
        # scalar, say) would otherwise break the `path:line:` form CI logs and annotations read.
        lines = self.message.splitlines()
        if len(lines) > 1:
            object.__setattr__(self, "message", " ".join(line.strip() for line in lines if line.strip()))

    def format(self) -> str:
        """Render as `path:line: message`, the form editors and CI annotations read."""
        prefix = "" if self.severity == "error" else "警告："
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class BuildFailed(Exception):
    """Raised by a stage when the user's input has problems; carries all of them."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = sorted(diagnostics)


class UsageError(Exception):
    """Raised for a bad command line or a dangerous output folder (exit code 2)."""


def errors_in(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Keep only the diagnostics that must stop the build."""
    return [d for d in diagnostics if d.severity == "error"]


class EnvironmentProblem(Exception):
    """Raised when the machine, not the content, stops a build: a lock held, a folder unusable (exit code 3).

    The message is one line in Chinese, naming the folder and what to do.
    """
