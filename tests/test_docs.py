"""The editors' guide covers every field of the schema."""

from conftest import ROOT

from generator.core.schema import FIELDS


def test_the_editors_guide_explains_every_field():
    guide = (ROOT / "docs/editing.md").read_text(encoding="utf-8")
    missing = [f.name for f in FIELDS if f"| `{f.name}` |" not in guide]
    assert missing == []
