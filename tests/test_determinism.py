"""The same content gives byte-identical output, whatever the hash seed, file order or machine zone."""

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import NOW, ROOT, build, run_cli, snapshot


def test_two_builds_are_byte_identical(tmp_path):
    # Copy the sample content in reverse order, so the folder lists files differently.
    reversed_content = tmp_path / "content-reversed"
    files = sorted(p for p in (ROOT / "content").rglob("*") if p.is_file())
    for path in reversed(files):
        target = reversed_content / path.relative_to(ROOT / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    runs = [("content", "1", "UTC"), (str(reversed_content), "4242", "America/New_York")]
    outputs = []
    for index, (content, seed, zone) in enumerate(runs):
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": zone}
        output = tmp_path / f"out{index}"
        result = run_cli("--content", content, "--output", str(output), env=env)
        assert result.returncode == 0, result.stderr
        outputs.append(snapshot(output))
    assert outputs[0].keys() == outputs[1].keys()
    different = [name for name in outputs[0] if outputs[0][name] != outputs[1][name]]
    assert different == []
    assert len(outputs[0]) > 60


def test_the_search_index_is_the_same_on_any_file_system(sample_output):
    """Folders list their files in another order on tmpfs than on ext4; the site's bytes must not follow it."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        pytest.fail("this test needs /dev/shm, a tmpfs, to compare with the project's disk")
    other = Path(tempfile.mkdtemp(dir=shm))
    try:
        # The session's sample build (browser_kit.sample_output) is the one on the project's disk.
        there = other / "tmpfs"
        assert build(ROOT / "content", there, now=NOW) == 0
        shards = json.loads((sample_output / "pagefind/shards.json").read_text(encoding="utf-8"))["shards"]
        assert len(shards) >= 2  # the sample spans years: one bundle each, every one compared
        assert all((sample_output / "pagefind" / name / "pagefind-entry.json").is_file() for name in shards)
        assert snapshot(there) == snapshot(sample_output)
    finally:
        shutil.rmtree(other)
