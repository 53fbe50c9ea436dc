"""Write stage, search part: put Pagefind's filter files in a fixed order.

Pagefind 1.5 writes each filter (category, year) from a hash map, so its
values come out in a different order on every run, and the files named by
their content hash change name with them. The index means the same either
way; only the bytes differ, which breaks gongkai's promise of byte-identical
output. This module sorts those values and the filter list, re-hashes the
changed files and updates the references to them. It understands just the
part of CBOR that Pagefind writes (integers, byte and text strings, arrays,
maps) and checks the file signature, so an unexpected format fails loudly.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"


def canonicalise(bundle: Path) -> None:
    """Rewrite the bundle's filter files and metadata so equal indexes give equal bytes."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = read_data(meta_path)
        prefix = language["hash"].rsplit("_", 1)[0]
        filters = []
        for name, old_hash in meta[3]:
            old = bundle / "filter" / f"{old_hash}.pf_filter"
            filter_name, values = read_data(old)
            data = _write_bytes([filter_name, sorted(values, key=lambda v: v[0])])
            new_hash = f"{prefix}_{hashlib.sha256(data).hexdigest()[:7]}"
            old.unlink()
            (bundle / "filter" / f"{new_hash}.pf_filter").write_bytes(data)
            filters.append([name, new_hash])
        meta[3] = sorted(filters)
        meta[5] = sorted(meta[5])
        data = _write_bytes(meta)
        new_meta_hash = f"{prefix}_{hashlib.sha256(data).hexdigest()[:13]}"
        meta_path.unlink()
        (bundle / f"pagefind.{new_meta_hash}.pf_meta").write_bytes(data)
        language["hash"] = new_meta_hash
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def read_data(path: Path) -> Any:
    """Decode one gzipped Pagefind data file."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise ValueError(f"{path.name}: not a Pagefind data file")
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw):
        raise ValueError(f"{path.name}: unexpected data after the index")
    return value


def _write_bytes(value: Any) -> bytes:
    """Encode and gzip a value the way Pagefind reads it; mtime 0 keeps the bytes stable."""
    return gzip.compress(SIGNATURE + _encode(value), mtime=0)


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    """Decode the CBOR item at `at`; return it and where the next one starts."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        length = info
    elif info <= 27:
        size = 1 << (info - 24)
        length, at = int.from_bytes(data[at: at + size], "big"), at + size
    else:
        raise ValueError(f"unsupported CBOR item {data[at - 1]:#x}")
    if major == 0:
        return length, at
    if major in (2, 3):
        chunk = data[at: at + length]
        return (chunk if major == 2 else chunk.decode("utf-8")), at + length
    if major == 4:
        items = []
        for _ in range(length):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(length):
            key, at = _decode(data, at)
            mapping[key], at = _decode(data, at)
        return mapping, at
    raise ValueError(f"unsupported CBOR major type {major}")


def _encode(value: Any) -> bytes:
    """Encode a value in CBOR's shortest form, as Pagefind does."""
    if isinstance(value, bool) or value is None:
        raise ValueError("unsupported value")
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        encoded = value.encode("utf-8")
        return _head(3, len(encoded)) + encoded
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise ValueError(f"unsupported value {value!r}")


def _head(major: int, length: int) -> bytes:
    """Return an item's first bytes: its type and length, in as few bytes as fit."""
    if length < 24:
        return bytes([major << 5 | length])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | info]) + length.to_bytes(size, "big")
    raise ValueError("length too large")
