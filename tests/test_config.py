"""Configuration: site.yaml is checked like a notice; unknown keys are errors."""

import pytest
from conftest import SITE_YAML

from generator.core.config import load_config
from generator.core.errors import BuildFailed


def load(tmp_path, text):
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def test_defaults_and_trailing_slash(tmp_path):
    config = load(tmp_path, SITE_YAML.replace("/xz/", "/xz"))
    assert config.base_url == "https://example.org/xz/"
    assert config.base_path == "/xz/"
    assert (config.per_page, config.feed_limit, config.timezone, config.language) == (20, 50, "Asia/Shanghai", "zh-CN")
    assert [c.key for c in config.categories] == ["guides", "results"]


def test_every_problem_is_reported_with_its_line(tmp_path):
    text = SITE_YAML + "per_pgae: 10\nper_page: lots\ntimezone: Mars/Base\n"
    with pytest.raises(BuildFailed) as caught:
        load(tmp_path, text)
    lines = {d.line: d.message for d in caught.value.diagnostics}
    assert "未知的配置项 per_pgae" in lines[10]
    assert "per_page" in lines[11] and "整数" in lines[11]
    assert "Mars/Base" in lines[12]


def test_search_is_on_unless_switched_off(tmp_path):
    assert load(tmp_path, SITE_YAML.replace("search: false\n", "")).search is True
    assert load(tmp_path, SITE_YAML).search is False
    with pytest.raises(BuildFailed) as caught:
        load(tmp_path, SITE_YAML.replace("search: false", "search: 关"))
    assert [(d.line, "true 或 false" in d.message) for d in caught.value.diagnostics] == [(4, True)]


def test_categories_need_ascii_keys_and_unique_names(tmp_path):
    text = SITE_YAML.replace("key: results", "key: 结果").replace("name: 办事结果", "name: 办事指南")
    text += "  - key: guides\n    name: 另一个\n"
    with pytest.raises(BuildFailed) as caught:
        load(tmp_path, text)
    messages = " ".join(d.message for d in caught.value.diagnostics)
    assert "小写字母" in messages and "重复" in messages


def test_base_url_must_be_absolute(tmp_path):
    with pytest.raises(BuildFailed, match="1 problem"):
        load(tmp_path, SITE_YAML.replace("https://example.org/xz/", "/xz/"))


def test_missing_site_yaml(tmp_path):
    with pytest.raises(BuildFailed) as caught:
        load_config(tmp_path)
    assert caught.value.diagnostics[0].path == "site.yaml"
