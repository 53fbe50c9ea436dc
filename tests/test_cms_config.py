"""The web editing page's form is the field schema, and `site.yaml`'s `cms:` decides whether it exists."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from conftest import GOOD_NOTICE, SITE_YAML, build, run_inline, write_site

from generator.core.cmsconfig import CmsConfig
from generator.core.config import load_config
from generator.core.errors import BuildFailed
from generator.core.schema import FIELDS, STATUS_LABELS, Field
from generator.load.standalone import FIELDS as PAGE_FIELDS
from generator.site import admin

GITLAB = SITE_YAML + "cms:\n  backend: gitlab\n  repo: mzj/gongkai\n  api_root: https://git.example.gov.cn/api/v4\n"


def collections(content) -> dict[str, dict]:
    """Return the generated configuration's collections by name."""
    return {c["name"]: c for c in admin.cms_config(load_config(content))["collections"]}


def test_every_schema_field_is_in_the_form_with_its_label_and_nothing_else(tmp_path):
    found = collections(write_site(tmp_path / "c", {}, GITLAB))
    assert sorted(found) == ["guides", "pages", "results"]
    for key in ("guides", "results"):
        form = found[key]["fields"]
        assert [f["name"] for f in form] == [f.name for f in FIELDS] + ["body"]
        for entry, f in zip(form, FIELDS):
            assert entry["label"] == f.label and entry["hint"].startswith(f.help)
            # the file is named from the slug, so the form needs it; every other field is as the schema says
            assert entry["required"] == (f.required or f.name == "slug"), f.name
        assert form[-1] == admin.BODY
        assert found[key]["folder"] == f"content/{key}" and found[key]["slug"] == "{{fields.slug}}"
    pages = found["pages"]["fields"]
    assert [(f["name"], f["label"]) for f in pages] == [*PAGE_FIELDS.items(), ("body", "正文")]


def test_widgets_follow_the_kind_of_each_field(tmp_path):
    form = {f["name"]: f for f in collections(write_site(tmp_path / "c", {}, GITLAB))["results"]["fields"]}
    assert form["category"]["widget"] == "select" and form["category"]["default"] == "results"
    assert form["category"]["options"] == [{"label": "办事指南", "value": "guides"}, {"label": "办事结果", "value": "results"}]
    assert [o["value"] for o in form["status"]["options"]] == list(STATUS_LABELS)
    assert [o["label"] for o in form["disclosure"]["options"]] == ["主动公开", "依申请公开", "不予公开"]
    assert form["date"]["widget"] == "datetime" and form["date"]["format"] == "YYYY-MM-DD HH:mm"
    assert form["written"]["format"] == "YYYY-MM-DD" and form["written"]["time_format"] is False
    assert form["attachments"]["widget"] == "list" and form["attachments"]["fields"][0]["widget"] == "file"
    assert [f["name"] for f in form["changes"]["fields"]] == ["date", "note"]
    assert form["draft"]["widget"] == form["pinned"]["widget"] == "boolean"
    assert form["tags"]["widget"] == form["redirect_from"]["widget"] == "list"


def test_every_kind_of_field_in_the_schema_has_a_widget():
    # A new kind of field (a list of lines, a choice of genres …) needs its widget chosen in site/admin.py.
    assert {f.kind for f in FIELDS} <= admin.WIDGET_KINDS


def test_a_new_schema_field_appears_in_the_form(tmp_path, monkeypatch):
    extra = Field("topic", "text", False, "主题分类", "按主题归类", "民族团结")
    monkeypatch.setattr(admin, "FIELDS", (*FIELDS, extra))
    form = collections(write_site(tmp_path / "c", {}, GITLAB))["guides"]["fields"]
    assert {"name": "topic", "label": "主题分类", "required": False, "hint": "按主题归类", "widget": "string"} in form


def test_no_cms_section_means_no_editing_page(tmp_path):
    content = write_site(tmp_path / "c", {"guides/a.md": GOOD_NOTICE})
    assert build(content, tmp_path / "out") == 0
    assert not (tmp_path / "out/admin").exists()
    assert "admin" not in (tmp_path / "out/sitemap.xml").read_text(encoding="utf-8")


def test_the_editing_page_is_served_from_the_site_with_its_own_policy(tmp_path):
    content = write_site(tmp_path / "c", {"guides/a.md": GOOD_NOTICE}, GITLAB)
    assert build(content, tmp_path / "out") == 0
    folder = tmp_path / "out/admin"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert (folder / "decap-cms.js").read_bytes() == (admin.find_bundle() / "decap-cms.js").read_bytes()
    assert re.findall(r'<script src="([^"]+)"', page) == ["admin.js", "decap-cms.js"]  # nothing from a CDN
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1).replace("&#39;", "'")
    assert "script-src 'self' 'unsafe-eval';" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert "connect-src 'self' https://git.example.gov.cn blob:;" in policy
    assert "noindex" in page
    config = json.loads((folder / "config.yml").read_text(encoding="utf-8"))
    assert config["locale"] == "zh_Hans" and config["publish_mode"] == "editorial_workflow"
    assert config["backend"] == {"name": "gitlab", "repo": "mzj/gongkai", "branch": "main", "squash_merges": True,
                                 "cms_label_prefix": "gongkai/", "api_root": "https://git.example.gov.cn/api/v4"}
    assert "admin" not in (tmp_path / "out/sitemap.xml").read_text(encoding="utf-8")


def test_github_policy_allows_its_api_and_avatars_only():
    policy = admin.policy(CmsConfig("github", "mzj/gongkai"))
    assert "connect-src 'self' https://api.github.com blob:;" in policy
    assert "img-src 'self' data: blob: https://avatars.githubusercontent.com;" in policy


def test_a_missing_bundle_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(admin, "BUNDLE_DIRS", (tmp_path / "nowhere",))
    with pytest.raises(BuildFailed) as caught:
        admin.plan_admin(dataclasses.replace(load_config(write_site(tmp_path / "c", {}, GITLAB))))
    assert caught.value.diagnostics[0].format() == (
        "site.yaml:1: site.yaml 配置了 cms，但找不到网页编辑器的程序文件 node_modules/decap-cms/dist/decap-cms.js："
        "请在项目目录运行 npm ci 后重新构建")


@pytest.mark.parametrize("section, message", [
    ("cms:\n  backend: svn\n  repo: a/b\n", "site.yaml:11: cms 的 backend 应该是 github、gitlab、gitea 之一（代码托管平台）"),
    ("cms:\n  backend: github\n", "site.yaml:10: cms 缺少 repo：写代码仓库的「所有者/名称」，例如 repo: mzj/gongkai"),
    ("cms:\n  backend: gitea\n  repo: a/b\n", "site.yaml:11: backend 为 gitea 时必须写 api_root，例如 https://git.example.gov.cn/api/v1"),
    ("cms:\n  backend: github\n  repo: a/b\n  brnach: main\n", "site.yaml:13: cms 中未知的项 brnach，可用的项："),
    ("cms:\n  backend: github\n  repo: a/b\n  editorial_workflow: maybe\n",
     "site.yaml:13: cms 的 editorial_workflow 应该是 true 或 false，现在是「maybe」"),
])
def test_a_wrong_cms_section_is_refused_with_its_line(tmp_path, section, message):
    content = write_site(tmp_path / "c", {"guides/a.md": GOOD_NOTICE}, SITE_YAML + section)
    result = run_inline("--content", str(content), "--output", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(message)


def test_gitea_saves_are_commits_to_the_branch_since_decap_has_no_review_for_it(tmp_path):
    section = "cms:\n  backend: gitea\n  repo: a/b\n  branch: cms\n  api_root: https://git.example.gov.cn/api/v1\n"
    config = admin.cms_config(load_config(write_site(tmp_path / "c", {}, SITE_YAML + section)))
    assert "publish_mode" not in config and config["backend"]["branch"] == "cms"
    result = run_inline("--content", str(write_site(tmp_path / "d", {}, SITE_YAML + section + "  editorial_workflow: true\n")),
                     "--check")
    assert result.returncode == 1 and "Gitea 后端不支持审核流程" in result.stderr


def test_the_local_mode_without_decap_server_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    from generator.cli import cmsproxy
    from generator.cli.main import main

    monkeypatch.setattr(cmsproxy, "PROXY_SCRIPTS", (tmp_path / "nowhere.js",))
    content = write_site(tmp_path / "c", {"guides/a.md": GOOD_NOTICE})
    assert main(["serve", "--cms", "--content", str(content), "--output", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        "build.py: 本机编辑模式需要 Node.js 和 decap-server：请安装 Node.js，在项目目录运行 npm ci 后重试\n")
    assert not (tmp_path / "out").exists()


def test_a_content_folder_at_the_top_of_the_repository(tmp_path):
    found = collections(write_site(tmp_path / "c", {}, GITLAB + "  content_dir: .\n"))
    assert found["guides"]["folder"] == "guides" and found["pages"]["folder"] == "pages"


def test_genre_and_topic_offer_what_site_yaml_allows(tmp_path):
    yaml = GITLAB.replace("cms:", "topics: [民族事务, 宗教事务]\ncms:")
    form = {f["name"]: f for f in collections(write_site(tmp_path / "c", {}, yaml))["guides"]["fields"]}
    assert form["genre"]["widget"] == "select" and "通知" in form["genre"]["options"]
    assert form["topic"] == {**form["topic"], "widget": "select", "options": ["民族事务", "宗教事务"]}
    assert form["signatories"]["widget"] == "list" and form["addressee"]["widget"] == "string"
    without = {f["name"]: f for f in collections(write_site(tmp_path / "d", {}, GITLAB))["guides"]["fields"]}
    assert without["topic"]["widget"] == "string"
