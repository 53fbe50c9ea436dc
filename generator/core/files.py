"""Files every stage writes or lists: one atomic writer, one listing, the output folder's marker."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

MARKER = ".gongkai-output"  # in an output folder: "gongkai made this folder and may replace it"


def write_atomically(target: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Replace a file in one step, so that a killed build never leaves half of it.

    `data` is the bytes, or a function that writes them to an open file (to stream a large
    pickle). The partial file is named by process, so two writers never share one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    with open(partial, "wb") as file:
        if callable(data):
            data(file)
        else:
            file.write(data)
    os.replace(partial, target)


def listing(folder: Path) -> tuple[dict[str, int], set[str]]:
    """Map every file below a folder to its inode, from the directory entries alone (no stat)."""
    files: dict[str, int] = {}
    folders: set[str] = {""}
    todo = [("", str(folder))]
    while todo:
        prefix, path = todo.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(rel)
                    todo.append((rel + "/", entry.path))
                else:
                    files[rel] = entry.inode()
    return files, folders
