"""The threat model names a test for every threat, and every test it names exists."""

from __future__ import annotations

import ast
import re

from conftest import ROOT

DOC = ROOT / "docs" / "security.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def defined_tests(path) -> set[str]:
    """Return the names of the test functions defined in one test file."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_test_named_in_the_threat_model_exists():
    text = DOC.read_text(encoding="utf-8")
    named = REFERENCE.findall(text)
    assert len(named) > 30
    missing = [f"{path}::{name}" for path, name in named
               if not (ROOT / path).is_file() or name not in defined_tests(path)]
    assert missing == []


def test_every_threat_names_at_least_one_test():
    sections = re.split(r"^### ", DOC.read_text(encoding="utf-8"), flags=re.M)[1:]
    assert len(sections) >= 6
    for section in sections:
        assert REFERENCE.search(section), section.splitlines()[0]
