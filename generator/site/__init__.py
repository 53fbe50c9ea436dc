"""Model the site and render it: notice and category views, routes, templates, the catalogue,
the archive, feeds, withdrawal stubs and redirects.

May import: `core`, `load`, `disclosure`, `markdown`.
"""
