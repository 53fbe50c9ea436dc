"""CI on the forges: the workflow files parse, name commands that exist, and problems become annotations."""

import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml
from conftest import GOOD_NOTICE, NOW, ROOT, run_cli, write_site

from generator.cli.main import main, parser


def _run_lines(scripts) -> list[str]:
    """Every shell line of a list of `run:`/`script:` bodies."""
    return [line.strip() for script in scripts for line in str(script).splitlines() if line.strip()]


def _check_commands(lines: list[str]) -> set[str]:
    """Parse every `python build.py …` with the real parser and run every `python -m generator.…`."""
    seen = set()
    for line in lines:
        words = shlex.split(line.split("||")[0].replace('"$(', "").replace(')"', ""))
        if words[:2] == ["python", "build.py"]:
            parser().parse_args(words[2:])  # exits (fails the test) on an unknown option
            seen.add("build.py " + " ".join(w for w in words[2:] if w.startswith("--")))
        if words[:5] == ["python", "-m", "generator.disclosure.manifest", "fetch", "content"]:
            # The download itself needs the live site; the address it downloads from is checked instead.
            result = subprocess.run([sys.executable, "-m", "generator.disclosure.manifest", "url", "content"],
                                    cwd=ROOT, capture_output=True, text=True)
            assert result.returncode == 0 and result.stdout.startswith("https://"), result.stderr
            seen.add(f"manifest fetch {words[5]}")
        for command in re.findall(r"\$\((python -m [^)]*)\)", line):  # each module CI runs, as it runs it
            module = shlex.split(command)[1:]
            result = subprocess.run([sys.executable, *module], cwd=ROOT, capture_output=True, text=True)
            assert result.returncode == 0 and result.stdout.startswith("https://"), result.stderr
            seen.add(" ".join(module[1:3]))
    return seen


def test_github_workflow_checks_pull_requests_and_publishes_main_daily():
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert triggers["schedule"][0]["cron"]
    jobs = workflow["jobs"]
    assert "pull_request" in jobs["check"]["if"] and "pull_request" in jobs["build"]["if"]
    seen = _check_commands(_run_lines(s["run"] for s in jobs["check"]["steps"] if "run" in s))
    assert "build.py --check --strict --manifest --first-publication" in seen
    assert "manifest fetch previous-manifest.json" in seen
    build_steps = jobs["build"]["steps"]
    assert {"manifest fetch previous-manifest.json", "build.py --precompress --manifest --first-publication --output"} <= \
        _check_commands(_run_lines(s["run"] for s in build_steps if "run" in s))
    uses = [s.get("uses", "") for s in build_steps + jobs["deploy"]["steps"]]
    kept = [s for s in build_steps if s.get("uses", "").startswith("actions/cache@")]
    assert kept and kept[0]["with"]["path"] == ".gongkai-cache" and "generator/**" in kept[0]["with"]["key"]
    assert not any(s.get("uses", "").startswith("actions/cache@") for s in jobs["check"]["steps"])
    assert any("^cms:" in s.get("run", "") and "npm ci" in s.get("run", "") for s in build_steps)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert jobs["deploy"]["needs"] == "build" and jobs["deploy"]["permissions"]["pages"] == "write"


def test_gitlab_pipeline_checks_merge_requests_and_publishes_pages():
    pipeline = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert "manifest fetch previous-manifest.json" in _check_commands(_run_lines(pipeline["before_script"]))
    assert "merge_request_event" in pipeline["check"]["rules"][0]["if"]
    assert "build.py --check --strict --manifest --first-publication" in _check_commands(
        _run_lines(pipeline["check"]["script"]))
    assert "build.py --precompress --manifest --first-publication --output" in _check_commands(
        _run_lines(pipeline["pages"]["script"]))
    assert any("--output public" in line for line in pipeline["pages"]["script"])
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]
    assert pipeline["pages"]["cache"]["paths"] == [".gongkai-cache/"] and "cache" not in pipeline["check"]
    assert any("^cms:" in line and "npm ci" in line for line in pipeline["pages"]["script"])


BAD = GOOD_NOTICE.replace("category: guides", "category: nosuch")


@pytest.mark.parametrize("actions", ["true", None])
def test_problems_become_annotations_only_inside_github_actions(tmp_path, actions):
    repo = tmp_path / "repo"
    write_site(repo / "content", {"guides/ok.md": GOOD_NOTICE, "guides/bad.md": BAD,
                                  "guides/odd, name.md": BAD.replace("nosuch", "50%").replace("---\n正文", "slug: odd\n---\n正文")})
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    if actions:
        env["GITHUB_ACTIONS"] = actions
    result = run_cli("--check", "--content", "content", cwd=repo, env={**env, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    assert "guides/bad.md:3: category（分类）「nosuch」不是已有的分类" in result.stderr
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    if not actions:
        assert annotations == []
        return
    choices = "可用的分类：guides（办事指南）、results（办事结果）"
    assert annotations == [  # file relative to the repository; % , and : escaped as the runner expects
        f"::error file=content/guides/bad.md,line=3::category（分类）「nosuch」不是已有的分类，{choices}",
        f"::error file=content/guides/odd%2C name.md,line=3::category（分类）「50%25」不是已有的分类，{choices}",
    ]


def _build_lines(forge: str) -> tuple[str, str]:
    """The template's merge-request check and its publishing build, as written."""
    if forge == "github":
        jobs = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))["jobs"]
        check, publish = (_run_lines(s["run"] for s in jobs[job]["steps"] if "run" in s) for job in ("check", "build"))
    else:
        pipeline = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
        check, publish = (_run_lines(pipeline[job]["script"]) for job in ("check", "pages"))
    return tuple(next(x for x in lines if x.startswith("python build.py")) for lines in (check, publish))


def _here(line: str, content, output) -> list[str]:
    """Turn a template's build line into arguments for this machine: no live manifest, folders under tmp."""
    words = shlex.split(line)[2:]
    if "--manifest" in words:
        del words[words.index("--manifest"): words.index("--manifest") + 2]
    if "--output" in words:
        words[words.index("--output") + 1] = str(output)
    else:
        words += ["--output", str(output)]
    return [*words, "--content", str(content)]


OVERDUE_SITE = """\
title: 栏目检查
agency: 测试局
base_url: https://example.org/xz/
search: false
categories:
  - key: news
    name: 工作动态
    update_within: 14d
"""


@pytest.mark.parametrize("forge", ["github", "gitlab"])
def test_requests_fail_on_an_overdue_column_while_publishing_goes_on(tmp_path, capsys, forge):
    check, publish = _build_lines(forge)
    notice = GOOD_NOTICE.replace("category: guides", "category: news").replace("2024-05-15", "2026-10-01")
    content = write_site(tmp_path / "content", {"news/a.md": notice}, OVERDUE_SITE)
    assert main(_here(check, content, tmp_path / "checked"), now=NOW) == 1
    assert "栏目「工作动态」（news）最新一篇发布于 2026-10-01" in capsys.readouterr().err
    assert main(_here(publish, content, tmp_path / "public"), now=NOW) == 0
    assert (tmp_path / "public/news/a/index.html").is_file()
    assert "最新一篇发布于 2026-10-01" in capsys.readouterr().err  # still said, as a warning
