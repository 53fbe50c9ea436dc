"""The fixture site's whole output, compared with a reviewed copy.

After an intended change, refresh it with `GONGKAI_UPDATE_GOLDEN=1 make test`
and review the diff of tests/golden/ like any other change.
"""

import os
import shutil
from pathlib import Path

from conftest import snapshot

GOLDEN = Path(__file__).resolve().parent / "golden" / "basic"


def test_fixture_site_matches_the_golden_tree(built_basic):
    if os.environ.get("GONGKAI_UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(built_basic, GOLDEN)
    expected, actual = snapshot(GOLDEN), snapshot(built_basic)
    assert sorted(actual) == sorted(expected)
    for name in expected:
        assert actual[name] == expected[name], f"{name} differs from tests/golden/basic/{name}"
