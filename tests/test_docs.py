"""The guides cover every field of the schema, and the commands they show run as written."""

import re
import subprocess
import sys

from conftest import ROOT

from generator.core.schema import FIELDS


def test_the_editors_guide_explains_every_field():
    guide = (ROOT / "docs/editing.md").read_text(encoding="utf-8")
    missing = [f.name for f in FIELDS if f"| `{f.name}` |" not in guide]
    assert missing == []


def test_every_documented_module_command_runs():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / ".gitlab-ci.yml",
             *sorted((ROOT / ".github/workflows").glob("*.yml"))]
    commands = {c for page in pages for c in re.findall(r"python -m (generator[\w.]*)((?: [a-z]+)*)",
                                                        page.read_text(encoding="utf-8"))}
    assert {m for m, _ in commands} >= {"generator.core.schema", "generator.disclosure.manifest"}
    for module, words in sorted(commands):
        if words.split()[:1] == ["fetch"]:  # needs the live site: tests/test_manifest_fetch.py serves one
            continue
        args = ["url", "content"] if words.split()[:1] == ["url"] else words.split()
        result = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0 and result.stdout.strip(), f"python -m {module} {words}: {result.stderr}"
