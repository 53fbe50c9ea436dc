#!/usr/bin/env python3
"""Build the 政务公开栏 website: `python build.py --help`.

Editors type `python build.py …` with whatever Python their shell finds,
while `make build` installed the dependencies into `.venv`. When they are
missing here and `.venv` exists beside this file, run again with its Python;
otherwise say, in Chinese, what to do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REEXEC_MARK = "GONGKAI_REEXEC"  # set when this file already re-ran itself: never loop


def venv_python() -> Path | None:
    """Return the Python of `.venv` beside this file, or None when there is none."""
    for candidate in (HERE / ".venv/bin/python", HERE / ".venv/Scripts/python.exe"):
        if candidate.is_file():
            return candidate
    return None


def rerun_with(python: Path) -> int:
    """Run this same command again with another Python; its exit code is ours."""
    argv = [str(python), str(Path(__file__).resolve()), *sys.argv[1:]]
    env = {**os.environ, REEXEC_MARK: "1"}
    if os.name == "posix":  # replace this process: Ctrl+C, signals and exit codes go straight through
        os.execve(argv[0], argv, env)
    return subprocess.run(argv, env=env).returncode


def missing_dependencies(missing: str) -> int:
    """Say what to do when the dependencies are not installed, and return the usage exit code."""
    print(f"build.py: 缺少运行所需的程序包 {missing}。请先在项目目录运行一次 make build"
          "（它会建好 .venv 并安装全部依赖），然后再运行这条命令。", file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        from generator.cli.main import main
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] == "generator":
            raise
        python = venv_python()
        if python is not None and not os.environ.get(REEXEC_MARK):
            sys.exit(rerun_with(python))
        sys.exit(missing_dependencies(exc.name))
    sys.exit(main())
