"""The PostgreSQL claim loader and the comparison report, without a server.

A recording cursor replaces psycopg2's, and the tests check the table definition and the
CSV that COPY would receive.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from infusion_integrity.postgres_load import load_claim_folder, load_file_group
from infusion_integrity.postgres_report import compare_alert_rows, render_markdown


class RecordingCursor:
    """Collects the statements and COPY payloads that a loader sends."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.copies: list[tuple[str, str]] = []

    def execute(self, statement: str, parameters: object = None) -> None:
        self.statements.append(statement)

    def copy_expert(self, statement: str, file: io.BytesIO) -> None:
        self.copies.append((statement, file.read().decode("utf-8")))


def copied_rows(cursor: RecordingCursor) -> list[list[str]]:
    rows = []
    for _, payload in cursor.copies:
        rows += list(csv.reader(io.StringIO(payload)))
    return rows


def test_loader_keeps_text_values_from_csv(tmp_path: Path) -> None:
    claim_file = tmp_path / "medical_claim_1.csv"
    claim_file.write_text(
        "Claim_ID,claim_line_number,allowed_amount\nC1,1,N/A\nC2,0002,\n", encoding="utf-8"
    )
    cursor = RecordingCursor()

    loaded = load_file_group(cursor, "raw", "medical_claim", "/data/claims", [claim_file])

    assert loaded.rows == 2
    create = next(statement for statement in cursor.statements if statement.startswith("create"))
    assert '"claim_id" text' in create
    assert "source_row_number bigint not null" in create
    assert copied_rows(cursor) == [
        ["C1", "1", "N/A", "/data/claims/medical_claim_1.csv", "1"],
        ["C2", "0002", "", "/data/claims/medical_claim_1.csv", "2"],
    ]
    assert cursor.statements[-1] == 'analyze "raw"."medical_claim"'


def test_loader_unions_parquet_columns(tmp_path: Path) -> None:
    first = tmp_path / "medical_claim_1.parquet"
    second = tmp_path / "medical_claim_2.parquet"
    pq.write_table(pa.table({"claim_id": ["C1"], "patient_id": ["P1"]}), first)
    pq.write_table(pa.table({"claim_id": ["C2", None], "hcpcs_code": ["96365", ""]}), second)
    cursor = RecordingCursor()

    loaded = load_file_group(cursor, "raw", "medical_claim", "claims", [first, second])

    assert loaded.rows == 3
    assert loaded.files == 2
    create = next(statement for statement in cursor.statements if statement.startswith("create"))
    for column in ("claim_id", "patient_id", "hcpcs_code"):
        assert f'"{column}" text' in create
    assert '("claim_id", "hcpcs_code", "source_file", "source_row_number")' in cursor.copies[1][0]
    payload = cursor.copies[1][1]
    # NULL is an empty field and the empty string is "", as COPY's CSV format reads them.
    assert payload.splitlines() == [
        '"C2","96365","claims/medical_claim_2.parquet",1',
        ',"","claims/medical_claim_2.parquet",2',
    ]


def test_compare_alerts_ignores_order_and_scale() -> None:
    duckdb_rows = [
        ("a1", "rule", "reason", "C1", Decimal("10.5")),
        ("a2", "rule", "reason", "C2", 3.0),
    ]
    postgres_rows = [
        ("a2", "rule", "reason", "C2", Decimal("3.00")),
        ("a1", "rule", "reason", "C1", Decimal("10.50")),
    ]

    comparison = compare_alert_rows(duckdb_rows, postgres_rows)

    assert comparison["match"] is True
    assert comparison["duckdb_by_rule"] == {"rule": 2}


def test_compare_alerts_reports_differences() -> None:
    duckdb_rows = [("a1", "rule", "reason", "C1", Decimal("10.50"))]
    postgres_rows = [("a1", "rule", "reason", "C1", Decimal("10.51"))]

    comparison = compare_alert_rows(duckdb_rows, postgres_rows)

    assert comparison["match"] is False
    assert comparison["only_duckdb"] == [["a1", "rule", "reason", "C1", "10.50"]]
    assert comparison["only_postgres"] == [["a1", "rule", "reason", "C1", "10.51"]]


def test_report_page_shows_figures() -> None:
    timing = {
        "seed_seconds": 3.0,
        "run_seconds": 60.0,
        "run_cpu_seconds": 90.0,
        "run_load_average_before": 0.5,
        "slowest_models": [{"model": "stg_medical_claim_parsed", "seconds": 20.0}],
    }
    figures = {
        "measured_at": "2026-01-01T00:00:00+00:00",
        "lines": 1000,
        "requested_lines": 1000,
        "generate_seconds": 1.0,
        "load": {"seconds": 2.5, "load_average_before": 0.1, "tables": []},
        "duckdb": timing,
        "postgres": {**timing, "run_seconds": 120.0},
        "duckdb_to_postgres_run_ratio": 0.5,
        "postgres_run_slowdown": 2.0,
        "duckdb_to_postgres_run_cpu_ratio": 0.75,
        "alerts": compare_alert_rows([], []),
        "postgres_data_tests": {
            "command": "dbt test --exclude test_type:unit",
            "tests": 2,
            "passed": 1,
            "not_passed": [{"test": "not_null_alerts_alert_id", "status": "fail", "message": None}],
        },
        "postgres_settings": {"work_mem": "256MB", "version": "PostgreSQL 15"},
        "machine": {
            "cpu_count": 2, "memory_bytes": 2**34, "cpu_model": "cpu", "os": "Linux",
            "python_version": "3.11",
        },
        "versions": {"dbt_postgres": "1.11.0"},
    }

    page = render_markdown(figures)

    assert "| dbt run | 60.0 s | 120.0 s |" in page
    assert "| load claim files | (reads the files) | 2.5 s |" in page
    assert "ratio of the dbt run times: **0.5**" in page
    assert "| dbt run, CPU seconds of dbt and the server | 90.0 s | 90.0 s |" in page
    assert "ratio of the CPU seconds: **0.75**" in page
    assert "Same alerts: **yes**" in page
    assert "| work_mem | 256MB |" in page
    assert "dbt-postgres 1.11.0" in page
    assert "1 of 2 passed" in page
    assert "| not_null_alerts_alert_id | fail |  |" in page


def test_loader_reads_csv_like_duckdb(tmp_path: Path) -> None:
    claim_file = tmp_path / "medical_claim_1.csv"
    claim_file.write_text('a,b,c\n1,2,3\n\n4,5\n"x\ny",7,8\n', encoding="utf-8")
    cursor = RecordingCursor()

    load_file_group(cursor, "raw", "medical_claim", "claims", [claim_file])

    rows = copied_rows(cursor)
    assert [row[:3] for row in rows] == [["1", "2", "3"], ["4", "5", ""], ["x\ny", "7", "8"]]
    assert [row[4] for row in rows] == ["1", "2", "3"]
    assert cursor.copies[0][1].splitlines()[1] == '"4","5",,"claims/medical_claim_1.csv",2'


def test_loader_rejects_folder_without_claims(tmp_path: Path) -> None:
    class UnusedConnection:
        def cursor(self) -> RecordingCursor:
            raise AssertionError("the loader must not touch the database")

    with pytest.raises(FileNotFoundError) as raised:
        load_claim_folder(UnusedConnection(), tmp_path)

    assert "no medical_claim" in str(raised.value)
    assert str(tmp_path) in str(raised.value)
