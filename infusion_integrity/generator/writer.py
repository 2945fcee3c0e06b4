"""Writers for claim, eligibility and ground-truth files.

Every column is written as text. In CSV, NULL is an empty unquoted field and every
other value is quoted, because the pyarrow CSV writer (checked with pyarrow 26) quotes
all string values. In Parquet, every column has the string type and NULL stays NULL.
Output contains no wall-clock time, so the same input and pyarrow version give
byte-identical files.
"""

import csv
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from infusion_integrity.generator.cases import ClaimLine, PlantedCase
from infusion_integrity.generator.columns import CLAIM_COLUMNS

CLAIM_SCHEMA = pa.schema([(name, pa.string()) for name in CLAIM_COLUMNS])

GROUND_TRUTH_COLUMNS: tuple[str, ...] = (
    "rule_id",
    "reason_code",
    "claim_id",
    "person_id",
    "case_id",
    "description",
)


class TableFileWriter:
    """Append Arrow tables of one schema to a CSV file or to row groups of a Parquet file."""

    def __init__(self, path: Path, schema: pa.Schema, file_format: str) -> None:
        self.path = path
        self.rows_written = 0
        self._writer: pa_csv.CSVWriter | pq.ParquetWriter
        if file_format == "csv":
            self._writer = pa_csv.CSVWriter(path, schema)
        elif file_format == "parquet":
            self._writer = pq.ParquetWriter(path, schema)
        else:
            raise ValueError(f"invalid file format {file_format!r}: use 'csv' or 'parquet'")

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self._writer.write_table(table)
        self.rows_written += table.num_rows

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> "TableFileWriter":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def claim_lines_table(lines: Sequence[ClaimLine], file_name: str, ingest_datetime: str) -> pa.Table:
    """Build a claim table from case lines, sorted by claim id, person id and line number."""
    ordered = sorted(lines, key=_claim_line_sort_key)
    columns = []
    for name in CLAIM_COLUMNS:
        if name == "file_name":
            values = [file_name] * len(ordered)
        elif name == "ingest_datetime":
            values = [ingest_datetime] * len(ordered)
        else:
            values = [line.values[name] for line in ordered]
        columns.append(pa.array(values, pa.string()))
    return pa.table(columns, schema=CLAIM_SCHEMA)


def _claim_line_sort_key(line: ClaimLine) -> tuple[str, str, int, str]:
    values = line.values
    line_number = values["claim_line_number"] or ""
    numeric = int(line_number) if line_number.isdigit() else -1
    return (values["claim_id"] or "", values["person_id"] or "", numeric, line_number)


def write_table(table: pa.Table, path: Path, file_format: str) -> None:
    with TableFileWriter(path, table.schema, file_format) as writer:
        writer.write(table)


def write_ground_truth(cases: Sequence[PlantedCase], path: Path) -> int:
    """Write one row per expected alert of the cases and return the row count.

    Rows are sorted by rule, case id, reason code and claim id.
    """
    rows = sorted(
        (
            (alert.rule_id, alert.reason_code, alert.claim_id, alert.person_id, case.case_id,
             case.description)
            for case in cases
            for alert in case.expected_alerts
        ),
        key=lambda row: (row[0], row[4], row[1], row[2]),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(GROUND_TRUTH_COLUMNS)
        writer.writerows(rows)
    return len(rows)
