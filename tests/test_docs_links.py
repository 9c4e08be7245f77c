"""The README and docs/ hold together: every relative link and picture points to a file that exists (and a
``#section`` to a heading there), the README keeps the two commands CI and a newcomer rely on, every page
of the navigation is in the tour and the user guide, and the user guide lists every glossary term.

Run as a script to rewrite the user guide's glossary list from :mod:`imbalance_core.evaluation.glossary`:
``.venv/bin/python -m tests.test_docs_links --write-glossary``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from imbalance_core.evaluation.glossary import GLOSSARY

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
GUIDE = ROOT / "docs" / "USER_GUIDE.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]

GLOSSARY_START = re.compile(r"<!-- glossary:start.*?-->\n")
GLOSSARY_END = "<!-- glossary:end -->"

#: ``[text](target)`` and ``![alt](target)``; the target up to a space or the closing bracket.
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def prose(text: str) -> str:
    """The Markdown without fenced code blocks and code spans (a link-like text in code is not a link)."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(path: Path) -> list[str]:
    """Every link target written in a Markdown file, in order."""
    return LINK.findall(prose(path.read_text(encoding="utf-8")))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (not - or _), spaces to hyphens."""
    text = CODE_SPAN.sub(lambda m: m.group(0)[1:-1], heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The ``#anchors`` of a Markdown file's headings (duplicates get -1, -2 as on GitHub)."""
    seen: dict[str, int] = {}
    out: set[str] = set()
    for line in FENCE.sub("", path.read_text(encoding="utf-8")).splitlines():
        found = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not found:
            continue
        base = slug(found.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def broken_links(path: Path) -> list[str]:
    """The relative links of a Markdown file that point nowhere, each with the reason."""
    bad = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto: ...
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.exists():
            bad.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            bad.append(f"{target}: no heading #{anchor} in {dest.name}")
    return bad


def glossary_block() -> str:
    """The user guide's glossary list, generated from the glossary module (one term a line, in order)."""
    return "".join(f"- **{term.name}** — {term.short}\n" for term in GLOSSARY.values())


def with_glossary(text: str) -> str:
    """``text`` (the user guide) with the list between the glossary markers replaced by a fresh one."""
    start = GLOSSARY_START.search(text)
    end = text.find(GLOSSARY_END)
    assert start and end >= start.end(), "docs/USER_GUIDE.md lost its glossary markers"
    return text[: start.end()] + glossary_block() + text[end:]


def nav_titles() -> list[str]:
    """The page titles in app.py's navigation (``title="..."`` of each ``st.Page``)."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    return re.findall(r"st\.Page\([^)]*?title=\"([^\"]+)\"", source, re.S)


# --------------------------------------------------------------------------------------------- the checks


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_relative_link_points_to_an_existing_file_and_heading(path: Path) -> None:
    assert links(path) or path != README, "README.md has no links at all"
    assert broken_links(path) == []


def test_the_link_check_catches_a_missing_file_and_a_missing_heading(tmp_path: Path) -> None:
    (tmp_path / "there.md").write_text("# A heading (with `code`)\n\ntext\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](there.md#a-heading-with-code) [gone](missing.md) [bad](there.md#nowhere) "
        "![pic](img/none.png) [web](https://example.org/x.md) `[code](not-a-link.md)`\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "missing.md: no such file",
        "there.md#nowhere: no heading #nowhere in there.md",
        "img/none.png: no such file",
    ]


def test_readme_keeps_the_two_commands_ci_and_a_newcomer_run() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M)
    first = blocks[0] if blocks else ""
    assert re.search(r"^make run\b", first, re.M), "the first bash block starts the app"
    assert re.search(r"^make test\b", first, re.M), "the first bash block is the test command (.ci/run)"
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert text.index("## Two commands") < 1500, "the two commands are near the top"


def test_readme_sections_the_code_cites_still_exist() -> None:
    """app.py's sidebar warning and the request guard send readers to "README: Shared deployment"."""
    headings = {
        line[3:].strip() for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("## ")
    }
    cited = set()
    for path in [ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "serving").rglob("*.py")]:
        cited |= set(re.findall(r"README: ([A-Z][A-Za-z ]+?)[,).]", path.read_text(encoding="utf-8")))
    assert "Shared deployment" in cited
    assert cited <= headings, f"README lost a section the code cites: {sorted(cited - headings)}"


def test_readme_is_a_short_front_page() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 120


def test_every_page_of_the_navigation_is_in_the_tour_and_the_user_guide() -> None:
    titles = nav_titles()
    assert "Threshold" in titles
    readme = README.read_text(encoding="utf-8")
    headings = " | ".join(
        line for line in GUIDE.read_text(encoding="utf-8").splitlines() if line.startswith("## ")
    )
    for title in titles:
        assert title in readme, f"README's tour does not name the {title} page"
        assert title in headings, f"docs/USER_GUIDE.md has no section for the {title} page"


def test_the_user_guide_lists_every_glossary_term_with_its_line() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert with_glossary(text) == text, (
        "docs/USER_GUIDE.md's glossary list is out of date: "
        ".venv/bin/python -m tests.test_docs_links --write-glossary"
    )
    for name, term in GLOSSARY.items():
        assert f"**{name}** — {term.short}" in text


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-glossary"]:
        GUIDE.write_text(with_glossary(GUIDE.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {len(GLOSSARY)} terms into {GUIDE.relative_to(ROOT)}")
    else:
        sys.exit("usage: python -m tests.test_docs_links --write-glossary")
