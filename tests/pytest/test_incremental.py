"""Incremental (pre-payment) runs give the alerts of a full rebuild on the same data.

History: the bundled sample without its last month. Batch: that month plus a void of the
ketamine claim planted as case K1. The incremental run loads only the two new files and
re-evaluates the persons they touch; a full build reads every file from scratch.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE_CLAIMS, build, query

BATCH_MONTH_FILE = "medical_claim_2026_06.csv"
VOID_FILE = "medical_claim_2026_07_voids.csv"
K1_CLAIM_ID = "C0000001"


def write_void_of(claim_id: str, source: Path, target: Path) -> None:
    """Write a one-line frequency-8 claim voiding `claim_id`, copied from its first line."""
    with source.open(newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames
        original = next(row for row in reader if row["claim_id"] == claim_id)
    void = {
        **original,
        "claim_id": f"{claim_id}V",
        "claim_frequency_code": "8",
        "original_claim_id": claim_id,
        "paid_date": "2026-07-01",
        "file_name": target.name,
        "ingest_datetime": "2026-07-02T06:00:00",
    }
    with target.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerow(void)


def file_holding(claim_id: str) -> Path:
    for path in sorted(SAMPLE_CLAIMS.glob("medical_claim_*.csv")):
        if f'"{claim_id}"' in path.read_text():
            return path
    raise AssertionError(f"claim {claim_id} not found in {SAMPLE_CLAIMS}")


@pytest.fixture(scope="module")
def incremental_and_full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("incremental")
    history = work / "claims"
    shutil.copytree(SAMPLE_CLAIMS, history)
    (history / BATCH_MONTH_FILE).unlink()

    incremental_dir = work / "incremental"
    incremental_dir.mkdir()
    first = build(incremental_dir, history, {"incremental_run": True})
    k1_alerts_before = query(
        first, f"select count(*) from alerts.alerts where claim_id = '{K1_CLAIM_ID}'"
    )[0][0]
    assert k1_alerts_before == 1, "K1 should alert before its void arrives"

    shutil.copy(SAMPLE_CLAIMS / BATCH_MONTH_FILE, history / BATCH_MONTH_FILE)
    write_void_of(K1_CLAIM_ID, file_holding(K1_CLAIM_ID), history / VOID_FILE)
    incremental = build(incremental_dir, history, {"incremental_run": True})

    full_dir = work / "full"
    full_dir.mkdir()
    full = build(full_dir, history)
    return incremental, full


def alert_rows(database: Path, table: str) -> list[tuple]:
    return sorted(query(database, f"select * from alerts.{table}"), key=repr)


def test_incremental_run_read_only_new_files(incremental_and_full: tuple[Path, Path]) -> None:
    incremental, _ = incremental_and_full
    loads = query(
        incremental,
        "select loaded_at, count(distinct source_file_name) from staging.base_medical_claim "
        "group by loaded_at order by loaded_at",
    )
    assert len(loads) == 2
    assert loads[1][1] == 2, "the second run should load only the month file and the void"


def test_incremental_equals_full_rebuild(incremental_and_full: tuple[Path, Path]) -> None:
    incremental, full = incremental_and_full
    tables = [
        name
        for (name,) in query(
            full,
            "select table_name from information_schema.tables where table_schema = 'alerts' "
            "and (starts_with(table_name, 'alert_') or table_name = 'alerts')",
        )
    ]
    assert "alerts" in tables
    for table in tables:
        assert alert_rows(incremental, table) == alert_rows(full, table), table


def test_voided_alert_stops_in_history(incremental_and_full: tuple[Path, Path]) -> None:
    incremental, _ = incremental_and_full
    k1_history = query(
        incremental,
        "select is_active, stopped_at > first_seen_at, last_seen_at = first_seen_at "
        f"from alerts.alerts_history where claim_id = '{K1_CLAIM_ID}'",
    )
    assert k1_history == [(False, True, True)]
    still_active = query(
        incremental,
        "select count(*) from alerts.alerts_history where is_active",
    )[0][0]
    current = query(incremental, "select count(*) from alerts.alerts")[0][0]
    assert still_active == current
