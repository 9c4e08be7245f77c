"""Issue 23: the core is installed into the app's environment (editable), so the command a page prints
(``python -m imbalance_core ...``) runs from any folder. Checked without installing anything: the
Makefile's environment step installs the checkout, and pyproject tells setuptools what the package is."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_builds_only_the_core_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["build-system"]["build-backend"] == "setuptools.build_meta"
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    found = find_packages(str(ROOT), include=include)
    assert "imbalance_core" in found and "imbalance_core.cli" in found
    assert all(name.split(".")[0] == "imbalance_core" for name in found)  # not pages/, tests/, bench/
    on_disk = {
        p.parent.relative_to(ROOT).as_posix().replace("/", ".")
        for p in ROOT.glob("imbalance_core/**/__init__.py")
    }
    assert on_disk <= set(found)


def test_make_deps_installs_the_checkout_editable_without_dependencies():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^\$\(VENV\)/\.deps:.*?(?=^\S|\Z)", makefile, re.M | re.S)
    assert recipe, "the environment step is missing"
    lines = [line.strip() for line in recipe.group(0).splitlines()[1:]]
    install = [line for line in lines if " -e ." in f"{line} "]
    assert install and "--no-deps" in install[0] and install[0].startswith("$(BIN)/pip install")
    assert "pyproject.toml" in recipe.group(0).splitlines()[0]  # a changed pyproject reinstalls
