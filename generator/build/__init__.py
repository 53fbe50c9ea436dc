"""The build: runs the stages in order, spreads work over the cores, stages the output and swaps it
in atomically, and runs the steps over the finished site (search index, precompression, link check).

May import: everything but `cli`.
"""
