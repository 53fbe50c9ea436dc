"""The README's field table is the schema's: they must not drift apart."""

from conftest import ROOT

from generator.core.schema import markdown_table


def test_readme_field_table_matches_the_schema():
    assert markdown_table() in (ROOT / "README.md").read_text(encoding="utf-8")
