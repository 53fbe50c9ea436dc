"""The command line: arguments and exit codes, the preview server with live reload, the file watcher,
the progress bar, CI annotations and the commands that scaffold notices.

May import: anything. Nothing imports it.
"""
