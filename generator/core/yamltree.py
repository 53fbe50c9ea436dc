"""YAML with line numbers: parse front matter and site.yaml into plain values, and read whole YAML files.

Every scalar stays a string: YAML 1.1 would turn `no` into False, `010` into 8 and
`2024-05-15` into a date behind the editor's back. The schema decides types
instead, and can then say exactly what was wrong. Aliases are refused, which
also defuses "billion laughs" documents before anything is expanded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.core.errors import BuildFailed, Diagnostic

try:  # LibYAML parses ten times faster; the pure-Python parser gives the same nodes.
    _Loader = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.BaseLoader

Path_ = tuple  # a key path such as ("categories", 0, "key")

NULLS = {"", "~", "null", "Null", "NULL"}
BOM = "\ufeff"


class YamlProblem(Exception):
    """A YAML document the editor must fix; `line` is 0-based within the document."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class YamlDoc:
    """The values of a YAML document and the 0-based line of every key path."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicates: list[tuple[Path_, int, int]] = field(default_factory=list)

    def line(self, path: Path_, default: int = 0) -> int:
        """Return the line of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return default


def parse_yaml(text: str) -> YamlDoc:
    """Parse one YAML document into strings, lists and dicts, refusing aliases."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line if mark else 0
        raise YamlProblem(line, _describe_yaml_error(exc)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids, such as a control character
        line = text.count("\n", 0, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlProblem(line, f"含有 YAML 不允许的不可见字符（U+{code:04X}），请删除它") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(0, f"YAML 无法解析：{' '.join(str(exc).split())}") from None
    doc = YamlDoc(data=None)
    if node is not None:
        doc.data = _walk(node, (), doc, set())
    return doc


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    """Explain a PyYAML error in one line, with the hint editors most often need."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    detail = "; ".join(p for p in (context, problem) if p)
    hint = "检查冒号后是否有空格、缩进是否一致，含有冒号或 # 的值请用引号括起来"
    return f"YAML 语法错误（{detail}）：{hint}"


def _walk(node: yaml.Node, path: Path_, doc: YamlDoc, seen: set[int]) -> Any:
    """Turn a composed node into plain values; the same node twice means an alias."""
    if id(node) in seen:
        raise YamlProblem(
            doc.line(path, node.start_mark.line),
            "不允许使用 YAML 别名（*name）和锚点（&name），请把值直接写出来",
        )
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if not node.style and node.value in NULLS:  # plain style: None (Python parser) or "" (LibYAML)
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, child in enumerate(node.value):
            if id(child) not in seen:  # an alias's mark is its anchor's: keep the parent's line
                doc.lines[path + (index,)] = child.start_mark.line
            items.append(_walk(child, path + (index,), doc, seen))
        return items
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem(key_node.start_mark.line, "字段名必须是简单的文字")
        key = key_node.value
        key_path = path + (key,)
        line = key_node.start_mark.line
        if key in mapping:
            doc.duplicates.append((key_path, doc.lines[key_path], line))
            continue
        doc.lines[key_path] = line
        mapping[key] = _walk(value_node, key_path, doc, seen)
    return mapping


def decode(data: bytes, rel: str) -> tuple[str | None, Diagnostic | None]:
    """Decode UTF-8 (with or without BOM, CRLF or LF) or say which line is broken."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Diagnostic(
            rel, line, f"文件不是有效的 UTF-8 编码（第 {exc.start + 1} 个字节起），请用 UTF-8 编码重新保存"
        )
    if text.startswith(BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def read_yaml_file(path: Path, rel: str, missing: str) -> YamlDoc:
    """Read a whole YAML file of the content folder (site.yaml, the calendar), or fail naming the line.

    A file that cannot be read is reported against site.yaml, which names it.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BuildFailed([Diagnostic("site.yaml", 1, missing)]) from None
    except PermissionError:
        raise BuildFailed([Diagnostic(rel, 1, f"没有读取 {rel} 的权限：请检查文件权限（例如 chmod a+r {rel}）")]) from None
    except OSError as exc:
        raise BuildFailed([Diagnostic(rel, 1, f"无法读取 {rel}（{exc.strerror}）：请检查这个文件")]) from None
    text, problem = decode(data, rel)
    if problem:
        raise BuildFailed([problem])
    try:
        return parse_yaml(text)
    except YamlProblem as exc:
        raise BuildFailed([Diagnostic(rel, exc.line + 1, exc.message)]) from None
