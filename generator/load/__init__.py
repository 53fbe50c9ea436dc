"""Load stage: find, decode and split notice files, read their YAML front matter with line numbers,
and validate it into `Notice` objects, or diagnostics that name the file and line.

May import: `core`.
"""
