"""Summarise a finished build: rows read, staged and rejected, claim versions and alerts.

The DuckDB file is opened read-only, so a summary can run while BI tools read the same file,
but not while `dbt build` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

# Rows this run evaluated: all rows on a full run, the batch's persons on an incremental one.
ROWS_READ_TABLE = ("staging", "base_medical_claim_in_scope")
ROWS_STAGED_TABLE = ("staging", "stg_medical_claim")
REJECTED_TABLE = ("staging", "rejected_claim_lines")
WARNINGS_TABLE = ("staging", "stg_medical_claim_warnings")
DEDUPLICATED_TABLE = ("intermediate", "int_claim_lines_deduplicated")
VERSIONS_TABLE = ("intermediate", "int_claim_versions")
ALERTS_TABLE = ("alerts", "alerts")


@dataclass(frozen=True)
class AlertGroup:
    """Alerts of one rule and reason code, with the dollars they put at risk."""

    rule_id: str
    reason_code: str
    alert_count: int
    amount_at_risk: Decimal


@dataclass(frozen=True)
class Summary:
    """Counts of one build. A field is None when its table is not in the database."""

    database_path: Path
    rows_read: int
    rows_staged: int | None
    rejected_by_reason: dict[str, int] | None
    duplicate_rows_collapsed: int | None
    warnings_by_code: dict[str, int] | None
    versions_by_status: dict[str, int] | None
    alerts: list[AlertGroup] | None

    @property
    def rows_rejected(self) -> int | None:
        if self.rejected_by_reason is None:
            return None
        return sum(self.rejected_by_reason.values())


def build_summary(database_path: Path) -> Summary:
    """Read the build counts from a DuckDB file, opened read-only.

    Raises ValueError when the file does not exist or has no `staging.base_medical_claim_in_scope`
    table, and RuntimeError when DuckDB cannot open it (for example while dbt writes it).
    """
    database_path = Path(database_path)
    if not database_path.is_file():
        raise ValueError(
            f"Database file not found: '{database_path}'. Run `infusion-integrity build` first"
            " or pass the file with --database."
        )
    try:
        connection = duckdb.connect(str(database_path), read_only=True)
    except duckdb.Error as error:
        raise RuntimeError(
            f"Cannot open '{database_path}' read-only: {error}. If a dbt build is writing the"
            " file, wait for it to finish."
        ) from error

    with connection:
        if not _table_exists(connection, ROWS_READ_TABLE):
            raise ValueError(
                f"'{database_path}' has no {'.'.join(ROWS_READ_TABLE)} table, so it does not"
                " contain a build of this project. Run `infusion-integrity build` first."
            )
        return Summary(
            database_path=database_path,
            rows_read=_count_rows(connection, ROWS_READ_TABLE),
            rows_staged=_count_rows(connection, ROWS_STAGED_TABLE),
            rejected_by_reason=_count_by(connection, REJECTED_TABLE, "reject_reason_code"),
            duplicate_rows_collapsed=_duplicate_rows_collapsed(connection),
            warnings_by_code=_count_by(connection, WARNINGS_TABLE, "warning_code"),
            versions_by_status=_count_by(connection, VERSIONS_TABLE, "version_status"),
            alerts=_alert_groups(connection),
        )


def format_summary(summary: Summary) -> str:
    """Render a summary as aligned plain text, one section per layer."""
    claim_line_rows = _claim_line_rows(summary)
    versions = summary.versions_by_status or {}
    version_rows = [(status, _number(count)) for status, count in versions.items()]
    # One label width for both count sections, so their numbers line up.
    label_width = max(len(label) for label, _ in claim_line_rows + version_rows)
    sections = [
        f"Build summary of {summary.database_path}",
        "Claim lines\n" + _align(claim_line_rows, label_width),
        _format_versions(summary.versions_by_status, version_rows, label_width),
        _format_alerts(summary.alerts),
    ]
    return "\n\n".join(sections) + "\n"


def _table_exists(connection: duckdb.DuckDBPyConnection, table: tuple[str, str]) -> bool:
    schema, name = table
    row = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])


def _count_rows(connection: duckdb.DuckDBPyConnection, table: tuple[str, str]) -> int | None:
    if not _table_exists(connection, table):
        return None
    row = connection.execute(f"select count(*) from {_qualified(table)}").fetchone()
    return int(row[0]) if row else 0


def _count_by(
    connection: duckdb.DuckDBPyConnection, table: tuple[str, str], column: str
) -> dict[str, int] | None:
    """Count rows per value of `column`, largest group first. NULL is shown as '(null)'."""
    if not _table_exists(connection, table):
        return None
    rows = connection.execute(
        f"select coalesce(cast({column} as varchar), '(null)') as key, count(*) as row_count"
        f" from {_qualified(table)} group by 1 order by row_count desc, key"
    ).fetchall()
    return {str(key): int(count) for key, count in rows}


def _duplicate_rows_collapsed(connection: duckdb.DuckDBPyConnection) -> int | None:
    if not _table_exists(connection, DEDUPLICATED_TABLE):
        return None
    row = connection.execute(
        f"select coalesce(sum(duplicate_count - 1), 0) from {_qualified(DEDUPLICATED_TABLE)}"
    ).fetchone()
    return int(row[0]) if row else 0


def _alert_groups(connection: duckdb.DuckDBPyConnection) -> list[AlertGroup] | None:
    if not _table_exists(connection, ALERTS_TABLE):
        return None
    rows = connection.execute(
        "select rule_id, reason_code, count(*) as alert_count,"
        " coalesce(sum(amount_at_risk), 0) as amount_at_risk"
        f" from {_qualified(ALERTS_TABLE)}"
        " group by rule_id, reason_code order by rule_id, reason_code"
    ).fetchall()
    return [
        AlertGroup(
            rule_id=str(rule_id),
            reason_code=str(reason_code),
            alert_count=int(count),
            amount_at_risk=Decimal(str(amount)),
        )
        for rule_id, reason_code, count, amount in rows
    ]


def _qualified(table: tuple[str, str]) -> str:
    schema, name = table
    return f'"{schema}"."{name}"'


def _claim_line_rows(summary: Summary) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = [("rows read", _number(summary.rows_read))]
    rows.append(("rows staged", _number(summary.rows_staged)))
    rows.append(("rows rejected", _number(summary.rows_rejected)))
    for reason, count in (summary.rejected_by_reason or {}).items():
        rows.append((f"  {reason}", _number(count)))
    if summary.rows_staged is not None and summary.rows_rejected is not None:
        unaccounted = summary.rows_read - summary.rows_staged - summary.rows_rejected
        if unaccounted:
            rows.append(("rows neither staged nor rejected", _number(unaccounted)))
    rows.append(("duplicate rows collapsed", _number(summary.duplicate_rows_collapsed)))
    if summary.warnings_by_code:
        rows.append(("staging warnings", _number(sum(summary.warnings_by_code.values()))))
        for code, count in summary.warnings_by_code.items():
            rows.append((f"  {code}", _number(count)))
    return rows


def _format_versions(
    versions_by_status: dict[str, int] | None, rows: list[tuple[str, str]], label_width: int
) -> str:
    title = "Claim versions by status"
    if versions_by_status is None:
        return f"{title}\n  table {'.'.join(VERSIONS_TABLE)} not built"
    if not versions_by_status:
        return f"{title}\n  no claim versions"
    return f"{title}\n" + _align(rows, label_width)


def _format_alerts(alerts: list[AlertGroup] | None) -> str:
    title = "Alerts by rule and reason"
    if alerts is None:
        return f"{title}\n  no alerts table yet ({'.'.join(ALERTS_TABLE)} is not built)"
    if not alerts:
        return f"{title}\n  no alerts"
    header = ("rule", "reason", "alerts", "amount at risk")
    rows = [
        (
            group.rule_id,
            group.reason_code,
            _number(group.alert_count),
            _dollars(group.amount_at_risk),
        )
        for group in alerts
    ]
    total_count = sum(group.alert_count for group in alerts)
    total_amount = sum((group.amount_at_risk for group in alerts), Decimal(0))
    rows.append(("total", "", _number(total_count), _dollars(total_amount)))
    return f"{title}\n" + _grid([header, *rows], right_aligned={2, 3})


def _align(rows: list[tuple[str, str]], label_width: int) -> str:
    """Lay out label/value pairs with labels left-aligned and values right-aligned."""
    return _grid(rows, right_aligned={1}, min_widths=[label_width, 12])


def _grid(
    rows: list[tuple[str, ...]], right_aligned: set[int], min_widths: list[int] | None = None
) -> str:
    """Lay out rows as columns three spaces apart, each as wide as its widest cell."""
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    for index, minimum in enumerate(min_widths or []):
        widths[index] = max(widths[index], minimum)
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[index]) if index in right_aligned else cell.ljust(widths[index])
            for index, cell in enumerate(row)
        ]
        lines.append(("  " + "   ".join(cells)).rstrip())
    return "\n".join(lines)


def _number(value: int | None) -> str:
    return "not built" if value is None else f"{value:,}"


def _dollars(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"
