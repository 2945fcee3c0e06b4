"""The bundled sample: every planted case is flagged, and nothing else (per rule)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import SAMPLE_GROUND_TRUTH, query


def expected_alerts() -> set[tuple[str, str, str]]:
    with SAMPLE_GROUND_TRUTH.open(newline="") as handle:
        return {(row["rule_id"], row["reason_code"], row["claim_id"]) for row in csv.DictReader(handle)}


def rules_with_tables(database: Path) -> list[str]:
    rows = query(
        database,
        "select table_name from information_schema.tables "
        "where table_schema = 'alerts' and starts_with(table_name, 'alert_')",
    )
    return sorted(name.removeprefix("alert_") for (name,) in rows)


def test_every_ground_truth_rule_has_a_table(sample_database: Path) -> None:
    missing = {rule for rule, _, _ in expected_alerts()} - set(rules_with_tables(sample_database))
    assert not missing, f"ground truth names rules without an alert table: {sorted(missing)}"


def test_precision_and_recall_are_one(sample_database: Path) -> None:
    expected = expected_alerts()
    for rule in rules_with_tables(sample_database):
        found = set(
            query(sample_database, f"select rule_id, reason_code, claim_id from alerts.alert_{rule}")
        )
        expected_for_rule = {alert for alert in expected if alert[0] == rule}
        missed = sorted(expected_for_rule - found)
        unexpected = sorted(found - expected_for_rule)
        assert not missed, f"{rule}: planted cases not flagged (recall < 1): {missed}"
        assert not unexpected, f"{rule}: alerts outside the ground truth (precision < 1): {unexpected}"


def test_unified_alerts_match_rule_tables(sample_database: Path) -> None:
    unified = query(sample_database, "select count(*) from alerts.alerts")[0][0]
    per_rule = sum(
        query(sample_database, f"select count(*) from alerts.alert_{rule}")[0][0]
        for rule in rules_with_tables(sample_database)
    )
    assert unified == per_rule


def test_one_alert_per_claim_and_reason(sample_database: Path) -> None:
    repeated = query(
        sample_database,
        "select rule_id, reason_code, claim_id, count(*) from alerts.alerts "
        "group by all having count(*) > 1",
    )
    assert repeated == []


def test_every_input_row_accounted_for(sample_database: Path) -> None:
    read, staged, rejected = query(
        sample_database,
        "select (select count(*) from staging.base_medical_claim_in_scope), "
        "(select count(*) from staging.stg_medical_claim), "
        "(select count(*) from staging.rejected_claim_lines)",
    )[0]
    assert read == staged + rejected
    assert rejected > 0, "the sample plants unusable rows; none were rejected"


def test_evidence_is_one_sentence(sample_database: Path) -> None:
    evidence = [row[0] for row in query(sample_database, "select evidence from alerts.alerts")]
    assert evidence, "the sample should raise alerts"
    for sentence in evidence:
        assert sentence.endswith("."), sentence
        assert sentence.count(". ") == 0, f"more than one sentence: {sentence}"


@pytest.mark.parametrize("column", ["alert_id", "rule_id", "reason_code", "severity", "person_id", "claim_id", "service_date", "amount_at_risk", "evidence"])
def test_alert_columns_are_filled(sample_database: Path, column: str) -> None:
    nulls = query(sample_database, f"select count(*) from alerts.alerts where {column} is null")[0][0]
    assert nulls == 0
