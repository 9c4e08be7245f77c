"""The explorer payload with the rule-out / rule-in extras (zones, suggested rule, uncertainty bands), built
as pages/threshold.py builds it, from the seeded synthetic scores of :mod:`tests.e2e.apps.payloads`."""

from __future__ import annotations

from imbalance_core.evaluation import rule_zones, thresholds
from imbalance_core.evaluation import threshold_uncertainty as uncertainty
from tests.e2e.apps.payloads import MALICIOUS_LABEL, NEGATIVE_LABEL, synthetic_scores


def rule_payload(rows: int, prevalence: float, seed: int = 7, n_boot: int = 100) -> dict:
    """Single-mode payload + ``zones``, ``rule_pick`` and ``uncertainty`` (mode is added on mounting)."""
    y, s = synthetic_scores(rows, prevalence, seed)
    y_oof, s_oof = synthetic_scores(max(rows, 500), prevalence, seed + 1)
    data = thresholds.build_explorer_data(
        y, s, y_oof, s_oof, positive_label=MALICIOUS_LABEL, negative_label=NEGATIVE_LABEL, n_boot=50
    )
    payload = data.to_payload()
    table = data.table
    payload["zones"] = {k: thresholds._json_floats(v) for k, v in rule_zones.zone_stop_columns(table).items()}
    pick = rule_zones.pick_rule(y_oof, s_oof, 0.98, 0.5)
    payload["rule_pick"] = {
        "label": "Suggested rule (NPV ≥ 0.98, PPV ≥ 0.5)", "reason": pick.reason,
        "t_low": pick.t_low, "t_high": pick.t_high,
        "low_index": table.index_of(pick.t_low), "high_index": table.index_of(pick.t_high),
    }  # fmt: skip
    unc = uncertainty.threshold_uncertainty(y_oof, s_oof, y, s, n_boot=n_boot, seed=0)
    payload["uncertainty"] = {
        u.key: {
            "lo_index": table.index_of(u.threshold_lo),
            "hi_index": table.index_of(u.threshold_hi),
            "text": f"{u.label}: {u.sentence()}",
        }
        for u in unc.picks
    }
    return payload
