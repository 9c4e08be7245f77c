"""Issue 25 (6): the TRIPOD+AI and STARD 2015 items as published; answers only where the section exists.

The expected numbers are the published lists (Collins et al., BMJ 2024;385:e078378; Bossuyt et al., BMJ
2015;351:h5527), written out here independently of the module.
"""

from __future__ import annotations

from imbalance_core.share import checklist

TRIPOD_NUMBERS = [
    "1",
    "2",
    "3a",
    "3b",
    "3c",
    "4",
    "5a",
    "5b",
    "6a",
    "6b",
    "6c",
    "7",
    "8a",
    "8b",
    "8c",
    "9a",
    "9b",
    "9c",
    "10",
    "11",
    "12a",
    "12b",
    "12c",
    "12d",
    "12e",
    "12f",
    "12g",
    "13",
    "14",
    "15",
    "16",
    "17",
    "18a",
    "18b",
    "18c",
    "18d",
    "18e",
    "18f",
    "19",
    "20a",
    "20b",
    "20c",
    "21",
    "22",
    "23a",
    "23b",
    "24",
    "25",
    "26",
    "27a",
    "27b",
    "27c",
]
STARD_NUMBERS = [
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "10a",
    "10b",
    "11",
    "12a",
    "12b",
    "13a",
    "13b",
    "14",
    "15",
    "16",
    "17",
    "18",
    "19",
    "20",
    "21a",
    "21b",
    "22",
    "23",
    "24",
    "25",
    "26",
    "27",
    "28",
    "29",
    "30",
]


def test_item_numbers_are_the_published_ones():
    assert [i.number for i in checklist.TRIPOD_AI] == TRIPOD_NUMBERS
    assert [i.number for i in checklist.STARD] == STARD_NUMBERS


def test_tripod_item_27_is_input_data_expertise_future_research_and_has_no_27d():
    topics = {i.number: i.topic.lower() for i in checklist.TRIPOD_AI}
    assert "27d" not in topics
    assert (
        "input data" in topics["27a"] and "expertise" in topics["27b"] and "future research" in topics["27c"]
    )


def test_key_topics_follow_the_published_wording():
    t = {i.number: i.topic.lower() for i in checklist.TRIPOD_AI}
    assert "class imbalance" in t["13"] and "fairness" in t["14"] and "model output" in t["15"]
    assert "heterogeneity" in t["12d"] and "updating" in t["12f"] and "subgroups" in t["23a"]
    s = {i.number: i.topic.lower() for i in checklist.STARD}
    assert "cut-off" in s["12a"] and "indeterminate" in s["15"] and "cross tabulation" in s["23"]
    assert "severity" in s["21a"] and "alternative diagnoses" in s["21b"]


def test_answers_point_only_to_sections_that_are_present():
    titles = ["1. Data", "2. Method", "5. Results on the hold-out set", "9. Caveats"]
    rows = {r[0]: r[2] for r in checklist.checklist_rows(checklist.TRIPOD_AI, titles, {})}
    assert rows["23a"].startswith("§ 5. Results on the hold-out set") and "ubgroup" not in rows["23a"]
    assert rows["14"] == checklist.AUTHORS  # no subgroup section in this report
    assert rows["26"].startswith("§ 9. Caveats")
    with_sub = {
        r[0]: r[2] for r in checklist.checklist_rows(checklist.TRIPOD_AI, [*titles, "8. Subgroups"], {})
    }
    assert with_sub["23a"].endswith("subgroups: § 8. Subgroups")
    for text in (*rows.values(), *with_sub.values()):
        assert ".py" not in text


def test_threshold_interval_text_names_no_source_file():
    class Inputs:
        result = type("R", (), {"is_binary": True})()

    assert ".py" not in checklist.threshold_interval_text(Inputs())
