"""The house rules of docs/ARCHITECTURE.md, checked by tools rather than by memory.

import-linter holds the layer contracts (``[tool.importlinter]`` in pyproject.toml); these tests run it
on the real tree, prove that it fails when a rule is broken (a copy of the tree with ``import
streamlit`` added to the core, and one with an upward import), and check what import-linter cannot see:
pages import only public names, and every room of the core says what it holds.
"""

from __future__ import annotations

import ast
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
ROOMS = ("intake", "learn", "evaluation", "maps", "figures", "share", "cli")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on ``tree`` (its own pyproject.toml) with ``tree`` first on the path."""
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=300
    )


def _copy_tree(tmp_path: Path) -> Path:
    """A copy of the code import-linter reads: the core, the pages, the server launcher's package and
    pyproject.toml."""
    tree = tmp_path / "tree"
    tree.mkdir()
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "imbalance_core", tree / "imbalance_core", ignore=ignore)
    shutil.copytree(ROOT / "pages", tree / "pages", ignore=ignore)
    shutil.copytree(ROOT / "serving", tree / "serving", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_real_tree_keeps_every_contract() -> None:
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_streamlit_in_the_core_breaks_the_build(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    module = tree / "imbalance_core" / "evaluation" / "metrics.py"
    module.write_text(module.read_text() + "\nimport streamlit  # noqa\n")
    run = _lint(tree)
    assert run.returncode != 0
    assert "The core never imports Streamlit or the pages BROKEN" in run.stdout.replace("\n", " ")


def test_an_upward_import_breaks_the_build(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    module = tree / "imbalance_core" / "intake" / "read.py"
    module.write_text(module.read_text() + "\nimport imbalance_core.learn.training  # noqa\n")
    run = _lint(tree)
    assert run.returncode != 0
    assert "BROKEN" in run.stdout


def _core_imports(path: Path) -> list[tuple[str, str, int]]:
    """(module, name, line) for every ``from imbalance_core... import name`` in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("imbalance_core"):
            found.extend((node.module, alias.name, node.lineno) for alias in node.names)
    return found


def test_pages_import_only_public_names() -> None:
    """A page may use a core name only when it is public: no leading underscore, listed in ``__all__``
    where the module declares one, and not a private module."""
    offences = []
    for page in sorted((ROOT / "pages").rglob("*.py")):
        for module_name, name, line in _core_imports(page):
            where = f"{page.relative_to(ROOT)}:{line} {module_name}.{name}"
            if any(part.startswith("_") for part in module_name.split(".")) or name.startswith("_"):
                offences.append(where)
                continue
            module = importlib.import_module(module_name)
            public = getattr(module, "__all__", None)
            if public is not None and name not in public:
                offences.append(where)
    assert not offences, "pages import non-public core names:\n" + "\n".join(offences)


@pytest.mark.parametrize("room", ROOMS)
def test_every_room_says_what_it_holds(room: str) -> None:
    package = importlib.import_module(f"imbalance_core.{room}")
    doc = package.__doc__ or ""
    assert len(doc.split()) >= 20, f"imbalance_core.{room} needs a paragraph saying what it holds"
    modules = {p.stem for p in (ROOT / "imbalance_core" / room).glob("*.py") if p.stem != "__init__"}
    listed = set(getattr(package, "__all__", ()))
    assert modules <= listed | {m for m in modules if m.startswith("_")}, (
        f"imbalance_core.{room}.__all__ should list its public modules; missing {sorted(modules - listed)}"
    )


def test_no_flat_modules_left_in_the_core() -> None:
    """Every module sits in a room; only the package's entry points stay at the top."""
    top = {p.name for p in (ROOT / "imbalance_core").glob("*.py")}
    assert top <= {"__init__.py", "__main__.py", "errors.py"}, sorted(top)
