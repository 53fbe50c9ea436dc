"""The vocabulary every stage shares: the notice model, dates, diagnostics, the site configuration,
the field schema, limits, YAML with line numbers, the build options and report, and the one atomic writer.

May import: nothing of gongkai (it sits at the bottom, so every module can type with it).
"""
