"""A user theme overrides single templates and static files; the rest comes from the default."""

from conftest import GOOD_NOTICE, build, write_site


def test_user_theme_overrides_one_template_and_one_file(tmp_path, capsys):
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE})
    theme = tmp_path / "mytheme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static/css").mkdir(parents=True)
    (theme / "templates/404.html").write_text('{% extends "base.html" %}{% block main %}<h1>自定义 404</h1>{% endblock %}')
    (theme / "static/css/print.css").write_text("/* mine */")
    (theme / "static/logo.svg").write_text("<svg/>")
    output = tmp_path / "out"
    assert build(content, output, "--theme", str(theme)) == 0
    assert "自定义 404" in (output / "404.html").read_text()
    assert "打印" in (output / "guides/ok/index.html").read_text()  # default notice template
    prints = list((output / "static/css").glob("print.*.css"))
    assert [p.read_text() for p in prints] == ["/* mine */"]
    assert list((output / "static/css").glob("site.*.css"))
    assert (output / "static/logo.svg").is_file()


def test_theme_from_site_yaml(tmp_path):
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE})
    (content / "site.yaml").write_text((content / "site.yaml").read_text() + "theme: look\n")
    (content / "look/templates").mkdir(parents=True)
    (content / "look/templates/404.html").write_text("<p>看这里</p>")
    assert build(content, tmp_path / "out") == 0
    assert (tmp_path / "out/404.html").read_text() == "<p>看这里</p>"


def test_broken_user_template_is_a_diagnostic(tmp_path, capsys):
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE})
    theme = tmp_path / "broken"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates/notice.html").write_text("<p>\n{{ notice.no_such_field }}\n</p>")
    assert build(content, tmp_path / "out", "--theme", str(theme)) == 1
    err = capsys.readouterr().err
    assert "notice.html" in err and "no_such_field" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_user_template_whose_expression_fails_gives_its_line_not_a_traceback(tmp_path, capsys):
    """Calling what is no function or adding text to a number is a theme author's mistake: one line with
    the template's file and line, in a build with workers too."""
    notices = {f"guides/n{i}.md": GOOD_NOTICE.replace("合格的公告", f"第{i}篇公告") for i in range(4)}
    content = write_site(tmp_path / "content", notices)
    theme = tmp_path / "broken"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates/notice.html").write_text('{% extends "base.html" %}\n{% block main %}\n<p>{{ notice.title }}</p>\n'
                                                 "<p>{{ notice.summary + 1 }}</p>\n{% endblock %}\n")
    for name, line in (("notice.html", 4), ("category.html", 2)):
        if name == "category.html":  # a second template breaks, in another way
            (theme / "templates/category.html").write_text("<p>\n{{ category.name() }}\n</p>\n")
        for jobs in ("1", "2"):
            assert build(content, tmp_path / f"out-{name}-{jobs}", "--theme", str(theme), "--jobs", jobs) == 1
            err = capsys.readouterr().err
            assert "Traceback" not in err
            assert any(problem.startswith(f"{theme / 'templates' / name}:{line}: 模板错误：TypeError")
                       for problem in err.splitlines()), err
            assert not (tmp_path / f"out-{name}-{jobs}").exists()
