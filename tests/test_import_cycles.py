"""No import circle anywhere in the app's own code (issue 26: a house a newcomer finds their way in).

Two modules that import each other can only be read together, and the import that closes the circle
ends up hidden inside a function ("late: it imports this module"). The graph is built statically with
``ast`` from every ``import`` in imbalance_core/, pages/, serving/ and the top-level scripts — at module
level, inside functions and under ``if TYPE_CHECKING:`` alike — so a circle cannot hide in any of them.
A strongly connected component of more than one module is a circle; the test names its members.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("imbalance_core", "pages", "serving")
SCRIPTS = ("app.py", "serve.py")


def module_files(root: Path, packages: Iterable[str], scripts: Iterable[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of ``packages`` and the top-level ``scripts``."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    for script in scripts:
        if (root / script).exists():
            found[Path(script).stem] = root / script
    return found


def _imported_modules(tree: ast.AST, module: str, is_package: bool, known: Iterable[str]) -> set[str]:
    """The modules among ``known`` that an ``import`` anywhere in ``tree`` reaches.

    ``import X.Y`` reaches ``X.Y``; ``from X import Y`` reaches the module ``X.Y`` when there is one,
    else ``X`` itself (Y is a name defined in X). Relative imports are resolved against ``module``.
    """
    known = set(known)
    reached: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            reached.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                if f"{target}.{alias.name}" in known:
                    reached.add(f"{target}.{alias.name}")
                elif target in known:
                    reached.add(target)
    reached.discard(module)
    return reached


def import_graph(files: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules (among ``files``) it imports anywhere in its text."""
    return {
        module: _imported_modules(
            ast.parse(path.read_text(encoding="utf-8"), filename=str(path)),
            module,
            path.name == "__init__.py",
            files,
        )
        for module, path in files.items()
    }


def circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted, largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found, key=lambda c: (-len(c), c))


def describe(found: list[list[str]]) -> str:
    """One line per circle, naming its modules."""
    return "\n".join(f"import circle of {len(c)} modules: {' <-> '.join(c)}" for c in found)


def test_the_app_has_no_import_circle():
    found = circles(import_graph(module_files(ROOT, PACKAGES, SCRIPTS)))
    assert not found, "\n" + describe(found)


def test_the_graph_sees_the_real_imports():
    """The graph is not empty by accident: known edges of each kind are in it."""
    graph = import_graph(module_files(ROOT, PACKAGES, SCRIPTS))
    assert "pages.session_state" in graph["pages.data_source"]  # from pages.session_state import ...
    assert "pages.image_view" in graph["pages.command_block"]  # from pages import image_view
    assert "imbalance_core.cli.command_lines" in graph["pages.command_block"]  # inside a function
    assert "pages.data_source" in graph["app"]


def _package(root: Path, files: Mapping[str, str]) -> dict[str, set[str]]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return import_graph(module_files(root, ["pkg"], ["run.py"]))


def test_a_planted_circle_is_found_even_inside_a_function(tmp_path):
    graph = _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": "def f():\n    from pkg.c import g  # late: c imports us\n    return g\n",
            "pkg/c.py": "from . import a\n\ndef g():\n    return a\n",
            "pkg/d.py": "from pkg import a\n",
            "run.py": "import pkg.d\n",
        },
    )
    found = circles(graph)
    assert found == [["pkg.a", "pkg.b", "pkg.c"]]
    assert "pkg.a <-> pkg.b <-> pkg.c" in describe(found)


def test_a_circle_under_type_checking_counts_and_a_tree_has_none(tmp_path):
    graph = _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/x.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.y import Y\n",
            "pkg/y.py": "import pkg.x\n",
            "pkg/z.py": "import pkg.y\nimport pkg.x\n",
        },
    )
    assert circles(graph) == [["pkg.x", "pkg.y"]]
    del graph["pkg.x"]
    assert circles(graph) == []
