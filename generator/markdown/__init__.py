"""Markdown → sanitised HTML and summaries, with fast paths that give byte-for-byte the same HTML.

Named after what it converts; its modules import the python-markdown library by absolute name.
May import: `core`.
"""
