"""Write stage, optional: a `.gz` beside every text file, for servers that send them as they are.

nginx's `gzip_static` then serves compressed bytes without compressing on
every request. The gzip header carries no file name and time 0, so the same
site gives the same bytes. Each twin is kept in the cache under the hash of
the file it compresses, so a rebuild compresses only the files that changed
(level 9 over ten thousand pages took seconds, on every build).
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

from generator.incremental.cache import Cache

TEXT_SUFFIXES = {".html", ".xml", ".css", ".js", ".json", ".txt", ".svg"}


def precompress(site: Path, cache: Cache | None = None) -> int:
    """Gzip each text file below `site` into `NAME.gz` next to it; return how many were written."""
    written = 0
    for folder, dirs, files in os.walk(site):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            target = path.with_name(name + ".gz")
            # A twin already there was staged with its unchanged file (the touch-up links them).
            if path.suffix in TEXT_SUFFIXES and not target.exists():
                _twin(path, target, cache)
                written += 1
    return written


def _twin(path: Path, target: Path, cache: Cache | None) -> None:
    """Write a file's gzip twin, from the cache when the same bytes were compressed before."""
    data = path.read_bytes()
    key = f"gz:{hashlib.sha256(data).hexdigest()}"
    blob = cache.page(key) if cache is not None else None
    if blob is None:
        packed = gzip.compress(data, 9, mtime=0)
        blob = cache.store_page(key, packed) if cache is not None else None
        if blob is None:
            target.write_bytes(packed)
            return
    try:
        os.link(blob, target)
    except OSError:  # another file system
        target.write_bytes(Path(blob).read_bytes())
