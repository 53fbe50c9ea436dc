"""Load and validate stages, per file: read, parse and check every notice file, and convert its body.

What a file yields (its Notice, its problems, the suspect numbers in its own
text and its body's HTML) depends only on its bytes, its path, the
configuration and gongkai's code. The result is kept in the cache under the
hash of all four, so an unchanged file is not parsed and checked again: the
kept result is exactly what checking again would give, problems included.
The rules that span files (duplicate URLs, 索引号, references) still run over
every notice on every build. On a cold build the files are checked on every
core.

The body is converted here, in the worker that has just checked it, so its
text never travels to the parent process: the parent keeps a body key per
notice and the HTML waits in the cache until a page prints it. Bodies of
notices that will not be published are converted too; their HTML lives only
in the cache, which is never published (collect.py drops those notices
before any page is planned).
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.build.parallel import ordered_map
from generator.core.config import SiteConfig
from generator.core.errors import Diagnostic, errors_in
from generator.core.model import Notice
from generator.disclosure.privacy import scan_fields
from generator.disclosure.yearcount import unfinished_report
from generator.incremental.cache import SALT, Cache, body_key
from generator.load.sources import parse_source, read_notice, walk_content
from generator.load.validate import duplicate_urls, validate_source
from generator.markdown.bodycheck import needs_summary, removed_html
from generator.markdown.markup import Body, Converter, StoredHtml

BATCH = 500  # files read before asking the cache about them


@dataclass(frozen=True, slots=True)
class Checked:
    """What one notice file gave."""

    notice: Notice | None  # with its body dropped: `body` names it
    problems: list[Diagnostic]  # front matter and field problems
    exposures: list[Diagnostic]  # suspect numbers in its own text, reported only if it is published
    body: str = ""  # the body's key in the cache
    meta: str = ""  # digest of the notice without its body: a rebuild that finds it unchanged reuses plans (lastplan.py)


@dataclass(frozen=True)
class Intake:
    """Every notice file of the content folder, read and checked."""

    notices: list[Notice]
    problems: list[Diagnostic]
    exposures: dict[str, list[Diagnostic]]  # notice path -> suspect numbers in its text
    files: dict[str, str]  # notice file -> key of its result, for the next build (shortcut.unchanged_files)
    bodies: dict[str, Body]  # notice path -> its converted body, with the summary the notice shows
    notices_digest: str  # of every notice file's path and Checked.meta: the notices, bodies apart (lastplan.py)


def result_salt(config: SiteConfig) -> bytes:
    """Return what a file's result depends on besides its path and bytes: gongkai's code and the configuration."""
    return SALT.encode() + hashlib.sha256(pickle.dumps(config, protocol=5)).digest()


def load_notices(content: Path, config: SiteConfig, cache: Cache, jobs: int | None,
                 unchanged: dict[str, str] | None = None) -> Intake:
    """Read and check every notice file, reusing the kept result of files whose bytes did not change.

    Files in `unchanged` (path -> result key) are known not to have changed since a build read
    them, so they are not even read again.
    """
    rels, problems = walk_content(content)
    salt = result_salt(config)
    unchanged = unchanged or {}
    keys: list[str] = []
    names: list[str] = []  # the file of each key
    known: dict[str, Checked] = {}
    todo: list[tuple[int, str, Path]] = []  # (place in keys, path, file) of files the cache does not know
    fresh = not cache.has_results()  # nothing to look up: each file is read once, by a worker, which keys it
    for start in range(0, len(rels), BATCH):  # in batches, and no file's bytes are held past its batch
        batch = []
        for rel in rels[start: start + BATCH]:
            if rel in unchanged:
                batch.append((rel, None, unchanged[rel]))
                continue
            if fresh:
                batch.append((rel, None, ""))
                continue
            path = content / rel
            data, problem = read_notice(path, rel, config.max_notice_kb)
            if problem:
                problems.append(problem)
                continue
            batch.append((rel, path, _key(salt, rel, data)))
        known |= cache.results(key for _, _, key in batch if key)
        todo += [(len(keys) + i, rel, path or content / rel) for i, (rel, path, key) in enumerate(batch)
                 if key not in known]
        keys += [key for _, _, key in batch]
        names += [rel for rel, _, _ in batch]
    # A kept result whose body the cache no longer holds is checked again, which converts the body again.
    summaries = cache.summaries(c.body for c in known.values() if c.body)
    lost = {k for k, c in known.items() if c.body and c.body not in summaries and not errors_in(c.problems)}
    todo += [(place, rel, content / rel) for place, (rel, key) in enumerate(zip(names, keys)) if key in lost]
    # Workers read the unknown files again and key them by the bytes they read, so that a file
    # changed in between is kept under its new bytes, never under the old ones.
    for (place, _, _), (key, pickled, problem, converted) in zip(
            todo, ordered_map(_checker, (config, salt), [item[1:] for item in todo], jobs)):
        if problem is not None:
            problems.append(problem)
            keys[place] = ""
            continue
        keys[place] = key
        checked = known[key] = pickle.loads(pickled)
        cache.store_result(key, pickled)
        if converted is not None:
            html, summaries[checked.body] = converted
            cache.store_body(checked.body, html, summaries[checked.body])
    notices, exposures, bodies = [], {}, {}
    files = {rel: key for rel, key in zip(names, keys) if key}
    digest = hashlib.sha256()
    for rel, key in sorted(files.items()):  # a running digest: at 100,000 notices a dict of them cost 20 MB
        digest.update(f"{rel}\0{known[key].meta}\0".encode())
    read = cache.body_reader()
    for key in filter(None, keys):
        checked = known[key]
        problems += checked.problems
        if checked.notice is not None:
            notices.append(checked.notice)
            exposures[checked.notice.path] = checked.exposures
            if checked.body in summaries:  # not when the file has errors: the build stops anyway
                summary = checked.notice.summary
                bodies[checked.notice.path] = Body(StoredHtml(checked.body, read),
                                                   summaries[checked.body] if summary is None else summary)
    problems += duplicate_urls(notices)
    return Intake(notices, problems, exposures, files, bodies, digest.hexdigest())


def check_file(rel: str, data: bytes, config: SiteConfig) -> Checked:
    """Parse and check one notice file."""
    source, problems = parse_source(data, rel)
    if source is None:
        return Checked(None, problems, [])
    notice, found = validate_source(source, config)
    if notice is not None:
        found += page_warnings(notice)
        found += unfinished_report(notice, config)  # needs the body, which is gone once the file is checked
    return Checked(notice, problems + found, scan_fields(notice) if notice else [])


def page_warnings(notice: Notice) -> list[Diagnostic]:
    """Name what the page will not show as written: raw HTML the sanitiser removes, a summary that cannot be made,
    a 落款 without its date."""
    found = [Diagnostic(notice.path, notice.body_line + line, message, "warning")
             for line, message in removed_html(notice.body)]
    if notice.summary is None and needs_summary(notice.body):
        found.append(Diagnostic(notice.path, notice.body_line, "正文只有表格，没有可作摘要的文字："
                                "请在字段中写 summary（摘要），或在表格前写一句说明或一个标题", "warning"))
    if notice.signatories and notice.written is None:
        found.append(Diagnostic(notice.path, notice.line_of("signatories"), "落款没有日期：请写 written（成文日期），"
                                "落款下方会显示为“2024年5月6日”", "warning"))
    return found


def _checker(shared: tuple[SiteConfig, bytes]) -> Callable[[tuple[str, Path]], tuple]:
    """Read, check, convert and pickle in a worker: the pickle goes into the cache as it is, made only once."""
    config, salt = shared
    converter = Converter()
    return lambda item: check_and_convert(item[0], item[1], config, salt, converter)


def check_and_convert(rel: str, path: Path, config: SiteConfig, salt: bytes,
                      converter: Converter) -> tuple[str, bytes | None, Diagnostic | None, tuple[str, str] | None]:
    """Read and check one notice file and convert its body: its result key, the pickled result
    (Checked), a problem reading it, and the body's HTML and summary."""
    data, problem = read_notice(path, rel, config.max_notice_kb)
    if problem:
        return "", None, problem, None
    checked = check_file(rel, data, config)
    converted = None
    if checked.notice is not None:
        text = checked.notice.body
        if not errors_in(checked.problems):  # a body that broke a limit is never converted
            body = converter.convert(text)
            converted = body.html, body.summary
        notice = dataclasses.replace(checked.notice, body="")
        checked = dataclasses.replace(checked, notice=notice, body=body_key(text),
                                      meta=hashlib.sha256(pickle.dumps(notice, protocol=5)).hexdigest())
    return _key(salt, rel, data), pickle.dumps(checked, protocol=5), None, converted


def _key(salt: bytes, rel: str, data: bytes) -> str:
    return hashlib.sha256(salt + rel.encode() + b"\0" + data).hexdigest()
