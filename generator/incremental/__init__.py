"""The only place that knows about the build cache and what changed since the last build: the
cache store and its keys, the record of the last build, and the last build's page plan.

May import: `core`, `load`, `disclosure`, `markdown`, `site` (what it caches); never `build` or `cli`.
"""
