"""The package map's import rule (docs/architecture.md): the domain never reaches up into the machinery."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from conftest import ROOT

# What each sub-package may import, besides itself and the top package's version.
MAY_IMPORT = {
    "core": set(),
    "load": {"core"},
    "disclosure": {"core", "load"},
    "markdown": {"core"},
    "site": {"core", "load", "disclosure", "markdown"},
    "incremental": {"core", "load", "disclosure", "markdown", "site"},
    "build": {"core", "load", "disclosure", "markdown", "site", "incremental"},
    "cli": {"core", "load", "disclosure", "markdown", "site", "incremental", "build"},
}


def imports(package: Path) -> dict[str, set[str]]:
    """Map every module of the package (dotted) to the modules of ours it imports, lazy imports too."""
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:  # relative imports hide the layer; the code uses absolute ones
                    targets.add(f"<relative import in {module}>")
                elif node.module and node.module.split(".")[0] == "generator":
                    targets.add(node.module)
                    targets.update(f"{node.module}.{alias.name}" for alias in node.names
                                   if (package / Path(*node.module.split(".")[1:]) / f"{alias.name}.py").is_file())
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.split(".")[0] == "generator")
        found[module] = targets
    return found


def layer(module: str) -> str | None:
    """Name the sub-package of a dotted module; None for the top package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def violations(package: Path) -> list[str]:
    """List every import that breaks the rule, and every cycle between sub-packages or modules."""
    found = imports(package)
    problems = []
    subpackages = {p.name for p in package.iterdir() if (p / "__init__.py").is_file() and not p.name.startswith("_")}
    for unknown in sorted(subpackages - MAY_IMPORT.keys()):
        problems.append(f"{unknown}: a sub-package without a rule in MAY_IMPORT")
    for module, targets in sorted(found.items()):
        own = layer(module)
        if own is None and package.name == module:
            continue
        for target in sorted(targets):
            if target.startswith("<"):
                problems.append(target)
                continue
            theirs = layer(target)
            if theirs is None or theirs == own:
                continue
            if own is None or theirs not in MAY_IMPORT.get(own, set()):
                problems.append(f"{module} imports {target}: {own} may not import {theirs}")
    problems += [f"import cycle: {' → '.join(c)}" for c in cycles(found)]
    return problems


def cycles(found: dict[str, set[str]]) -> list[list[str]]:
    """Find cycles among modules (a sub-package's own __init__ counts as a module)."""
    graph = {m: {t for t in ts if t in found and t != m} for m, ts in found.items()}
    seen, stack, on_stack, loops = set(), [], set(), []

    def visit(node: str) -> None:
        seen.add(node)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt in on_stack:
                loops.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in seen:
                visit(nxt)
        stack.pop()
        on_stack.discard(node)

    for node in sorted(graph):
        if node not in seen:
            visit(node)
    return loops


def test_the_package_keeps_its_import_rule():
    assert violations(ROOT / "generator") == []


def test_every_module_sits_in_a_sub_package():
    loose = sorted(p.name for p in (ROOT / "generator").glob("*.py") if p.name != "__init__.py")
    assert loose == []


def test_a_planted_import_against_the_rule_is_caught(tmp_path):
    copy = tmp_path / "generator"
    shutil.copytree(ROOT / "generator", copy, ignore=shutil.ignore_patterns("__pycache__", "_themes"))
    views = copy / "site" / "views.py"
    views.write_text(views.read_text(encoding="utf-8") + "\n\ndef late():\n    from generator.build import pipeline\n",
                     encoding="utf-8")
    (copy / "core" / "dates.py").write_text("from generator.cli.main import main\n", encoding="utf-8")
    (copy / "load" / "sources.py").write_text("from generator.load import validate\n", encoding="utf-8")
    (copy / "load" / "validate.py").write_text("from generator.load.sources import x\n", encoding="utf-8")
    problems = violations(copy)
    assert "generator.site.views imports generator.build: site may not import build" in problems
    assert "generator.site.views imports generator.build.pipeline: site may not import build" in problems
    assert "generator.core.dates imports generator.cli.main: core may not import cli" in problems
    assert ("import cycle: generator.load.sources → generator.load.validate → generator.load.sources"
            in problems)
