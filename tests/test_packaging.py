"""`pip install .` in a fresh venv gives a `gongkai` command that builds with the bundled theme."""

import shutil
import subprocess
import sys

from conftest import ROOT, snapshot

from generator import __version__


def test_pip_install_gives_a_working_gongkai_command(tmp_path):
    # Install from a copy: setuptools writes build files into the tree it builds.
    top = {".git", ".venv", "output", "tests", "build", ".pytest_cache"}
    source = shutil.copytree(ROOT, tmp_path / "src", ignore=lambda folder, names: [
        n for n in names if n == "__pycache__" or n.endswith(".egg-info")
        or folder == str(ROOT) and (n in top or n.startswith("output."))])
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--quiet", str(source)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr
    gongkai = venv / "bin/gongkai"
    version = subprocess.run([str(gongkai), "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"gongkai {__version__}"
    # Away from the source tree, the default theme must come from the installed package.
    shutil.rmtree(source)
    built = subprocess.run([str(gongkai), "--content", str(ROOT / "content"), "--output", "site"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    reference = tmp_path / "reference"
    subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(ROOT / "content"),
                    "--output", str(reference)], check=True, capture_output=True)
    assert snapshot(tmp_path / "site") == snapshot(reference)
    # Every sub-package is installed, and so is the preview's live-reload script.
    modules = subprocess.run([str(venv / "bin/python"), "-c", "import pkgutil, generator, generator.cli.serve; "
                              "print(sorted(m.name for m in pkgutil.iter_modules(generator.__path__)))"],
                             capture_output=True, text=True, cwd=tmp_path)
    assert modules.returncode == 0, modules.stderr
    packages = sorted(p.name for p in (ROOT / "generator").iterdir() if (p / "__init__.py").is_file())
    assert modules.stdout.strip() == str(packages)
