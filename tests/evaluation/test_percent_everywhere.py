"""One formatter for every share a person reads (issue 23's follow-up): no module of imbalance_core/ or
pages/ formats a share itself with ``{x:.1%}``, ``{d:+.1%}``, ``format(x, ".1%")``, ``"%.1f%%"`` or
``{100 * x:.1f} %``; they call formatting.percent / signed_percent / share_text / points_text, which
round the exact decimal once, half up, and print "4.9 %" (never "4.9%", never "nan").

The scan reads pages/ too. What must stay is listed in ``ALLOWED`` below, by file and replacement field
(only intake's, for the layering), so a new one fails, and an entry whose line was fixed fails until it is
taken off the list. Plotly/matplotlib tick format strings (``tickformat=".0%"``) are not f-strings and
pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from imbalance_core.evaluation.formatting import points_text

ROOT = Path(__file__).resolve().parents[2]
SCANNED = sorted(
    p
    for folder in ("imbalance_core", "pages")
    for p in (ROOT / folder).rglob("*.py")
    if ".venv" not in p.parts
)

#: A share formatted by hand. The first two capture the whole replacement field ("{e.low:.1%}"), so the
#: allow-list can name it.
OWN_PERCENT = (
    re.compile(r"\{[^{};]*:[<>=^]?[+\- ]?#?0?\d*[,_]?(?:\.\d+)?%\}"),
    re.compile(r"\{100 ?\* ?[^{}]*:[+\- ]?\d*(?:\.\d+)?f\} ?%"),
    re.compile(r"""format\([^()]*,\s*["'][^"']*%["']\)"""),
    re.compile(r"%[+\- ]?\d*\.\d+f ?%%"),
)

#: (path from the repository root, the format as written) that may stay, and why. Keep it short.
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        # intake/ sits BELOW evaluation in the import-linter layers (intake must not import
        # evaluation.formatting). Moving the formatter lower would touch every importer (~27 modules,
        # several edited in parallel) for four whole-percent shares in intake's own messages; left as is.
        ("imbalance_core/intake/task.py", "{self.share:.0%}"),
        ("imbalance_core/intake/identifiers.py", "{share:.0%}"),
    }
)


def own_percent(source: str) -> list[str]:
    """Every share ``source`` formats without the one formatter, as written."""
    return [hit for pattern in OWN_PERCENT for hit in pattern.findall(source)]


def offenders(sources: dict[str, str]) -> list[tuple[str, str]]:
    """(relative path, format) for every hand-made share format in ``sources`` (relative path -> text)
    that ``ALLOWED`` does not name."""
    found = [(rel, hit) for rel, source in sources.items() for hit in own_percent(source)]
    return [f for f in found if f not in ALLOWED]


def read(paths: list[Path]) -> dict[str, str]:
    """Relative path -> source text."""
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in paths}


def test_no_module_formats_a_share_itself() -> None:
    assert len(SCANNED) > 100  # the scan did find the packages (a wrong root would pass vacuously)
    assert offenders(read(SCANNED)) == []


def test_every_allowed_format_is_still_there() -> None:
    """An entry whose line was fixed goes from the list too (the list only shrinks)."""
    found = {(rel, hit) for rel, source in read(SCANNED).items() for hit in own_percent(source)}
    assert found >= ALLOWED, ALLOWED - found


def test_the_allow_list_names_nothing_in_imbalance_core_outside_intake() -> None:
    core = {path for path, _ in ALLOWED if path.startswith("imbalance_core/")}
    assert core and all(path.startswith("imbalance_core/intake/") for path in core), core


@pytest.mark.parametrize(
    "planted",
    [
        'f"({share:.1%})"',
        'f"{d:+.1%}"',
        'f"{x:.0%}"',
        'f"{x:5.2%}"',
        '"{:.1%}".format(x)',
        'format(x, ".1%")',
        'f"{100 * x:.1f} %"',
        'f"{100*x:.0f}%"',
        '"%.1f%%" % (100 * x)',
        # an allowed format in a module that may not have it still fails
        'f"{share:.0%}"',
    ],
)
def test_the_guard_fails_on_a_planted_format(planted: str) -> None:
    sources = read([ROOT / "imbalance_core" / "evaluation" / "stability.py"])
    assert offenders(sources) == []
    planted_sources = {rel: text + f"\nplanted = {planted}\n" for rel, text in sources.items()}
    assert offenders(planted_sources), planted


@pytest.mark.parametrize(
    "text", ['help="top:5%%"', 'f"{x:.3f}"', 'f"{percent(x)}"', '"0.1 for 10 %"', 'tickformat=".0%"']
)
def test_the_guard_lets_the_rest_through(text: str) -> None:
    assert not own_percent(text)


@pytest.mark.parametrize(
    ("difference", "said"),
    [
        (0.022, "2.2 percentage points"),
        (-0.0125, "-1.3 percentage points"),
        (0.004, "0.40 percentage points"),
    ],
)
def test_a_difference_of_shares_says_percentage_points(difference: float, said: str) -> None:
    # by hand, half up on the float's exact decimal (0.0125 is 0.01250000000000000069...)
    assert points_text(difference) == said


@pytest.mark.parametrize("missing", [None, float("nan"), float("inf"), True, "0.02"])
def test_a_difference_that_is_no_number_is_a_word(missing: object) -> None:
    assert points_text(missing) == "not estimable" and points_text(missing, missing="unknown") == "unknown"
