"""Command line, words: argparse's complaints in Chinese, so a mistyped command tells the editor what to type.

argparse speaks English ("the following arguments are required"); the few
complaints an editor meets are said again in Chinese, with the usage line.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

COMPLAINTS = (
    (re.compile(r"the following arguments are required: (.+)"), "缺少参数 {0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "不认识的参数 {0}：请检查拼写，或用 --help 查看可用的参数"),
    (re.compile(r"argument (\S+): invalid \w+ value: '(.*)'"), "参数 {0} 的值「{1}」无效"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面要写一个值"),
    (re.compile(r"argument (\S+): ignored explicit argument '(.*)'"), "参数 {0} 后面不能写值「{1}」"),
)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are in Chinese (exit code 2, as argparse's)."""

    def __init__(self, *args, example: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.example = example  # a whole command that works, shown when arguments are missing

    def error(self, message: str) -> NoReturn:
        """Print the usage and the complaint in Chinese, then exit with 2."""
        for pattern, chinese in COMPLAINTS:
            match = pattern.fullmatch(message)
            if match:
                message = chinese.format(*match.groups())
                if self.example and pattern is COMPLAINTS[0][0]:
                    message += f"，例如 {self.example}"
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}\n")


def refused(exc: Exception, untouched: str) -> int:
    """Print why a command that edits the content folder stopped, and return its exit code.

    A usage mistake is exit 2; invalid content is exit 1, every problem on its own line, then
    what was left as it was (`untouched`).
    """
    problems = getattr(exc, "diagnostics", None)
    if problems is None:
        print(f"build.py: {exc}", file=sys.stderr)
        return 2
    for diagnostic in problems:
        print(diagnostic.format(), file=sys.stderr)
    print(f"内容有 {len(problems)} 个问题，请先改正；{untouched}。", file=sys.stderr)
    return 1
