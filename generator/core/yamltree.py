"""YAML with line numbers: parse front matter and site.yaml into plain values, and read whole YAML files.

Every scalar stays a string: YAML 1.1 would turn `no` into False, `010` into 8 and
`2024-05-15` into a date behind the editor's back. The schema decides types
instead, and can then say exactly what was wrong. Aliases are refused, which
also defuses "billion laughs" documents before anything is expanded.
"""

from __future__ import annotations

import os
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
    # Unquoted values that a same-line `# …` cut short (or emptied): YAML drops the rest as a comment.
    comments: dict[Path_, str] = field(default_factory=dict)

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
        line, message = _describe_yaml_error(exc)
        unclosed = unclosed_quote_or_bracket(text)  # YAML notices these lines later: name the line itself
        if unclosed and unclosed[0] <= line:
            line, message = unclosed[0], "YAML 语法错误：" + unclosed[1]
        raise YamlProblem(line, message) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids, such as a control character
        line = text.count("\n", 0, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlProblem(line, f"含有 YAML 不允许的不可见字符（U+{code:04X}），请删除它") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(0, "YAML 无法解析：" + _debug(exc) + HINT) from None
    doc = YamlDoc(data=None)
    if node is not None:
        doc.data = _walk(node, (), doc, set(), text.split("\n"))
    return doc


HINT = "每行写成「字段名: 值」（半角冒号后加一个空格），缩进用半角空格；值里有冒号或 # 时给整个值加引号"

# PyYAML's problems, in the words an editor needs, with the mark that points at the editor's line:
# "could not find expected ':'" is noticed on the next line, the key without a colon is the context.
EXPLAINED = (
    ("could not find expected ':'", "context", "这一行没有半角冒号「:」，或上一行的值没有写完：每行写成「字段名: 值」"),
    ("mapping values are not allowed", "problem",
     "这一行的冒号用法不对：值里有冒号时请给整个值加引号，例如 title: \"通知：关于……\"；下一级字段要比上一级多缩进两个空格"),
    ("found a tab character", "problem", "这一行有制表符（TAB）：请改成半角空格"),
    ("cannot start any token", "problem", "这一行有 YAML 不能识别的字符（如 TAB、@ 或 `）：请删掉它，或给整个值加引号"),
    ("end of stream", "context", "引号没有配对：请在值的末尾补上结束的引号"),
    ("expected ',' or ']'", "context", "方括号 [ 没有配对的 ]：请在列表末尾补上 ]，例如 tags: [婚姻登记, 办公时间]"),
    ("expected ',' or '}'", "context", "花括号 { 没有配对的 }：请在末尾补上 }，例如 notice_period: {start: 2024-05-15, end: 2024-05-22}"),
    ("did not find expected key", "problem", "这一行无法读成「字段名: 值」：引号要括住整个值，缩进要与上一级字段对齐"),
    ("did not find expected '-'", "problem", "列表项的缩进不一致：每一项都以同样缩进的「- 」开头"),
)


def unclosed_quote_or_bracket(text: str) -> tuple[int, str] | None:
    """Find the first line whose quote or bracket is never closed, to explain a YAML failure."""
    for number, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if stripped.startswith("#") or ":" not in stripped:
            continue
        value = stripped.split(":", 1)[1].strip()
        if value[:1] in ("\"", "'", "“", "‘"):
            mark = value[0]
            closing = {"“": "”", "‘": "’"}.get(mark, mark)
            inner = value[1:].replace("\\\"", "") if mark == "\"" else value[1:].replace("''", "")
            if mark in "“‘":
                continue  # typographic quotes are plain text to YAML
            if closing not in inner:
                return number, (f"值开头的引号 {mark} 没有配对的结束引号：请在值的末尾补上 {mark}，"
                                f"例如 title: {mark}通知：关于……{mark}")
            rest = inner[inner.index(closing) + 1:].strip()
            if rest and not rest.startswith("#"):
                return number, (f"引号 {mark} 在值的中间就结束了，后面的「{rest}」无法读取："
                                "请让引号括住整个值；值里要用引号时改用「」或“”，例如 title: \"关于「某某」的通知\"")
        for opening, closing in (("[", "]"), ("{", "}")):
            if value.startswith(opening) and value.count(opening) > value.count(closing):
                return number, (f"这一行的 {opening} 没有配对的 {closing}：请在列表末尾补上 {closing}，"
                                "例如 tags: [婚姻登记, 办公时间]")
    return None


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """Explain a PyYAML error in Chinese and return it with the 0-based line of the mistake."""
    problem = exc.problem or ""
    for words, mark_name, explanation in EXPLAINED:
        if words in problem:
            mark = (exc.context_mark if mark_name == "context" else None) or exc.problem_mark or exc.context_mark
            return (mark.line if mark else 0), f"YAML 语法错误：{explanation}{_debug(exc)}"
    mark = exc.problem_mark or exc.context_mark
    return (mark.line if mark else 0), f"YAML 语法错误：这一行无法读取。{HINT}{_debug(exc)}"


def _debug(exc: Exception) -> str:
    """Return PyYAML's own words when GONGKAI_DEBUG_YAML is set, for whoever maintains gongkai."""
    if not os.environ.get("GONGKAI_DEBUG_YAML"):
        return ""
    return f"（{' '.join(str(exc).split())}）"


def _walk(node: yaml.Node, path: Path_, doc: YamlDoc, seen: set[int], lines: list[str]) -> Any:
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
            items.append(_walk(child, path + (index,), doc, seen, lines))
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
        mapping[key] = _walk(value_node, key_path, doc, seen, lines)
        comment = _trailing_comment(key_node, value_node, lines)
        if comment is not None:
            doc.comments[key_path] = comment
    return mapping


def _trailing_comment(key: yaml.Node, value: yaml.Node, lines: list[str]) -> str | None:
    """Return the `# …` that follows an unquoted scalar value on its line, or None."""
    if not isinstance(value, yaml.ScalarNode) or value.style:
        return None
    end, after_key = value.end_mark, key.end_mark
    if value.value in ("", None) or (end.line, end.column) <= (after_key.line, after_key.column):
        mark = key.end_mark  # an empty value: whatever follows the key and its colon
        rest = lines[mark.line][mark.column:].lstrip(" \t").removeprefix(":")
    else:
        mark = value.end_mark
        rest = lines[mark.line][mark.column:] if mark.line < len(lines) else ""
    rest = rest.strip()
    return rest if rest.startswith("#") else None


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
