"""The glossary: every entry has a one-line explanation, and unknown terms fail loudly."""

import pytest

from imbalance_core.evaluation import glossary


def test_every_term_has_a_short_single_line() -> None:
    for name, term in glossary.GLOSSARY.items():
        assert term.name == name
        assert term.short and "\n" not in term.short
        assert len(term.short) <= 160, name


def test_terms_the_issue_names_are_explained() -> None:
    for name in (
        "E:O",
        "ICI",
        "E50",
        "E90",
        "Emax",
        "Brier score",
        "Scaled Brier",
        "Calibration slope",
        "Calibration intercept",
        "MCC",
        "Youden",
        "LR+",
        "LR-",
        "Post-test probability",
    ):
        assert glossary.hover(name)


def test_unknown_term_raises() -> None:
    with pytest.raises(KeyError):
        glossary.hover("Accuracy paradox")


def test_entry_joins_the_detail() -> None:
    assert glossary.entry("MCC").startswith("MCC: Matthews")
    assert "TP·TN" in glossary.entry("MCC")
