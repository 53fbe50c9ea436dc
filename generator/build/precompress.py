"""Write stage, optional: a `.gz` beside every text file, for servers that send them as they are.

nginx's `gzip_static` then serves compressed bytes without compressing on
every request. The gzip header carries no file name and time 0, so the same
site gives the same bytes.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

TEXT_SUFFIXES = {".html", ".xml", ".css", ".js", ".json", ".txt", ".svg"}


def precompress(site: Path) -> int:
    """Gzip each text file below `site` into `NAME.gz` next to it; return how many were written."""
    written = 0
    for folder, dirs, files in os.walk(site):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix in TEXT_SUFFIXES:
                path.with_name(name + ".gz").write_bytes(gzip.compress(path.read_bytes(), 9, mtime=0))
                written += 1
    return written
