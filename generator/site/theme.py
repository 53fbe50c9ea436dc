"""Render stage, theme part: the Jinja2 environment and the static files of a theme.

A user theme overrides single templates and static files; whatever it does not
override comes from the default theme.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.runtime import Context

from generator.core.errors import BuildFailed, Diagnostic
from generator.site.qr import qr_svg

# Installed with pip, the theme sits inside the package; in a source tree, beside it.
_PACKAGE = Path(__file__).resolve().parent.parent
DEFAULT_THEME = next(p for p in (_PACKAGE / "_themes" / "default", _PACKAGE.parent / "themes" / "default")
                     if p.is_dir())
HASHED_SUFFIXES = {".css", ".js"}  # named by content so servers may cache them for a year


@dataclass(frozen=True)
class Theme:
    """A ready Jinja2 environment and the theme's static files."""

    env: Environment
    static: dict[str, Path]  # output path (e.g. static/css/site.1a2b3c4d.css) -> source file
    assets: dict[str, str]  # logical path (css/site.css) -> output path


def load_theme(user_dir: Path | None = None, default_dir: Path = DEFAULT_THEME) -> Theme:
    """Layer a user theme over the default one."""
    layers = [d for d in (user_dir, default_dir) if d is not None]
    if user_dir is not None:
        _refuse_outside_links(user_dir)
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d / "templates")) for d in layers]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Every build loads the theme afresh (serve too), so a template never changes under an
        # environment; checking its file on every page cost two stat calls a page.
        auto_reload=False,
    )
    env.context_class = _Context
    env.globals["qr_svg"] = qr_svg  # 扫一扫在手机打开, made only for pages that are rendered
    sources: dict[str, Path] = {}
    for layer in reversed(layers):  # later layers win
        sources.update(_static_files(layer / "static"))
    static, assets = {}, {}
    for logical, path in sorted(sources.items()):
        out = logical
        if path.suffix in HASHED_SUFFIXES:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            out = f"{logical[: -len(path.suffix)]}.{digest}{path.suffix}"
        assets[logical] = f"static/{out}"
        static[f"static/{out}"] = path
    return Theme(env, static, assets)


class _Context(Context):
    """Call plain functions (url, asset, absolute) straight away.

    Jinja2 looks at every callable a template calls for a request to be
    passed the context; a notice page calls about thirty, and the looking
    was about a quarter of its rendering. A plain function asks for nothing.
    """

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja2's own names, so no argument can clash)
        if __obj.__class__ is not FunctionType or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


def _refuse_outside_links(layer: Path) -> None:
    """Fail on any link in a user theme that leads out of it.

    A linked template or static file would render or copy a file nobody
    reviewed (say, a server key) into the public site.
    """
    real = layer.resolve()
    problems = []
    for folder, dirs, files in os.walk(layer):
        for name in sorted([*dirs, *files]):
            path = Path(folder) / name
            if path.is_symlink() and real not in path.resolve().parents:
                problems.append(Diagnostic(
                    f"{layer.name}/{path.relative_to(layer).as_posix()}", 1,
                    "主题中的这个文件是指向主题目录之外的符号链接，不会被使用：请把文件本身放进主题目录",
                ))
    if problems:
        raise BuildFailed(problems)


def _static_files(root: Path) -> dict[str, Path]:
    """Map each file below `root` to its path relative to it, in sorted order."""
    if not root.is_dir():
        return {}
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            found[path.relative_to(root).as_posix()] = path
    return found
