"""The reference's field table is the schema's: they must not drift apart."""

from conftest import ROOT

from generator.core.schema import markdown_table


def test_the_reference_field_table_matches_the_schema():
    assert markdown_table() in (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
