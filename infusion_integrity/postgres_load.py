"""Load claim files into PostgreSQL tables that the ``postgres`` target reads.

Each file group (``medical_claim*`` and ``eligibility*``, CSV or Parquet) becomes one table in
the claims schema, the dbt var ``claims_schema`` (default ``raw``). The table has every file
column as text with its name lower-cased, plus ``source_file`` (the path as given) and
``source_row_number`` (1-based position in the file). DuckDB's ``read_claim_files`` gives
the same two values, so staging computes the same row ids on both databases.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

logger = logging.getLogger(__name__)

FILE_PREFIXES = ("medical_claim", "eligibility")
BATCH_ROWS = 100_000


@dataclass(frozen=True)
class LoadedTable:
    """One table written by :func:`load_claim_folder`."""

    table: str
    files: int
    rows: int


def claim_files(folder: Path, prefix: str) -> list[Path]:
    """Return the CSV and Parquet files of one prefix, sorted by path as DuckDB's glob does."""
    return sorted([*folder.glob(f"{prefix}*.csv"), *folder.glob(f"{prefix}*.parquet")])


def file_column_names(path: Path) -> list[str]:
    """Return the lower-cased column names of a CSV header or a Parquet schema."""
    if path.suffix == ".parquet":
        names = pq.read_schema(path).names
    else:
        with path.open(encoding="utf-8", newline="") as handle:
            names = next(csv.reader(handle), [])
    return [name.lower() for name in names]


def file_batches(path: Path) -> Iterator[pa.RecordBatch]:
    """Yield the rows of one file in batches, every column as text."""
    if path.suffix == ".parquet":
        yield from pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS)
        return
    yield from csv_batches(path)


def csv_batches(path: Path) -> Iterator[pa.RecordBatch]:
    """Yield the rows of a CSV file as text, read as DuckDB's read_csv in staging reads them.

    An empty field is NULL, while 'N/A' or 'NULL' stay text, so staging rejects them with
    the value. Blank lines are skipped, a short row gets NULL for its missing fields
    (DuckDB's null_padding), and a quoted field may span lines. Raises ValueError for a row
    with more fields than the header.
    """
    names = file_column_names(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        columns: list[list[str | None]] = [[] for _ in names]
        for row in reader:
            if not row:
                continue
            if len(row) > len(names):
                raise ValueError(
                    f"{path}, line {reader.line_num}: {len(row)} fields but the header has "
                    f"{len(names)}; fix the row or quote the field that contains a comma"
                )
            for index, column in enumerate(columns):
                value = row[index] if index < len(row) else ""
                column.append(value if value != "" else None)
            if len(columns[0]) >= BATCH_ROWS:
                yield pa.RecordBatch.from_arrays(
                    [pa.array(column, pa.string()) for column in columns], names=names
                )
                columns = [[] for _ in names]
        if columns and columns[0]:
            yield pa.RecordBatch.from_arrays(
                [pa.array(column, pa.string()) for column in columns], names=names
            )


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_file_group(
    cursor, schema: str, prefix: str, folder_text: str, files: list[Path]
) -> LoadedTable:
    """Create ``schema.prefix`` with the union of the files' columns and COPY every file in.

    ``source_file`` is ``folder_text/<file name>``, the path DuckDB's glob returns for the
    claims_path ``folder_text``: base_eligibility keys its rows on the whole path.
    """
    columns: list[str] = []
    for path in files:
        columns += [name for name in file_column_names(path) if name not in columns]
    table = f"{quote_identifier(schema)}.{quote_identifier(prefix)}"
    column_sql = ",\n    ".join(f"{quote_identifier(name)} text" for name in columns)
    cursor.execute(f"drop table if exists {table}")
    cursor.execute(
        f"create table {table} (\n    {column_sql},\n"
        "    source_file text not null,\n    source_row_number bigint not null\n)"
    )

    total_rows = 0
    for path in files:
        source_file = f"{folder_text}/{path.name}"
        file_columns = file_column_names(path)
        target_columns = ", ".join(
            quote_identifier(name) for name in [*file_columns, "source_file", "source_row_number"]
        )
        copy_sql = f"copy {table} ({target_columns}) from stdin with (format csv)"
        file_rows = 0
        for batch in file_batches(path):
            rows = batch.num_rows
            text_batch = pa.RecordBatch.from_arrays(
                [column.cast(pa.string()) for column in batch.columns]
                + [
                    pa.array([source_file] * rows, pa.string()),
                    pa.array(range(file_rows + 1, file_rows + rows + 1), pa.int64()),
                ],
                names=[*file_columns, "source_file", "source_row_number"],
            )
            buffer = io.BytesIO()
            # pyarrow writes NULL as an empty field and '' as "", which COPY reads back as
            # NULL and the empty string.
            pa_csv.write_csv(
                text_batch, buffer, write_options=pa_csv.WriteOptions(include_header=False)
            )
            buffer.seek(0)
            cursor.copy_expert(copy_sql, buffer)
            file_rows += rows
        logger.info("loaded %s: %d rows into %s", path, file_rows, table)
        total_rows += file_rows
    cursor.execute(f"analyze {table}")
    return LoadedTable(table=f"{schema}.{prefix}", files=len(files), rows=total_rows)


def load_claim_folder(connection, folder: Path, schema: str = "raw") -> list[LoadedTable]:
    """Load every claim and eligibility file of ``folder`` into tables of ``schema``.

    Pass ``folder`` as the DuckDB build gets it in var claims_path, so that both databases
    store the same source_file paths (a relative folder is prefixed with the working
    directory, as DuckDB's reader does). A prefix without files gets no table (an earlier table
    of that name is dropped), so the optional eligibility input stays optional. Commits once
    at the end. Raises FileNotFoundError, before changing any table, when the folder has no
    medical_claim file.
    """
    folder_text = str(folder).rstrip("/")
    if not folder_text.startswith("/"):
        # As macro claims_folder: a relative claims_path starts at the working directory.
        working_directory = os.environ.get("PWD") or os.getcwd()
        folder_text = f"{working_directory.rstrip('/')}/{folder_text}"
    files_by_prefix = {prefix: claim_files(folder, prefix) for prefix in FILE_PREFIXES}
    if not files_by_prefix["medical_claim"]:
        raise FileNotFoundError(
            f"no medical_claim*.csv or medical_claim*.parquet files found in {folder}; "
            "pass the folder that contains the claim files"
        )
    loaded = []
    with connection.cursor() as cursor:
        cursor.execute(f"create schema if not exists {quote_identifier(schema)}")
        for prefix, files in files_by_prefix.items():
            if not files:
                table = f"{quote_identifier(schema)}.{quote_identifier(prefix)}"
                cursor.execute(f"drop table if exists {table}")
                continue
            loaded.append(load_file_group(cursor, schema, prefix, folder_text, files))
    connection.commit()
    return loaded


def connect_from_environment():
    """Connect with the INFUSION_INTEGRITY_PG_* variables that the ``postgres`` target reads."""
    import psycopg2

    return psycopg2.connect(
        host=os.environ.get("INFUSION_INTEGRITY_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("INFUSION_INTEGRITY_PG_PORT", "55432")),
        user=os.environ.get("INFUSION_INTEGRITY_PG_USER", "infusion"),
        password=os.environ.get("INFUSION_INTEGRITY_PG_PASSWORD", ""),
        dbname=os.environ.get("INFUSION_INTEGRITY_PG_DBNAME", "infusion_integrity"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infusion_integrity.postgres_load",
        description=(
            "Load medical_claim*.csv|parquet and eligibility*.csv|parquet into PostgreSQL "
            "tables for the postgres dbt target. The connection comes from the "
            "INFUSION_INTEGRITY_PG_HOST, _PORT, _USER, _PASSWORD and _DBNAME variables."
        ),
    )
    parser.add_argument("claims_path", type=Path, help="folder with the claim files")
    parser.add_argument(
        "--schema", default="raw",
        help="schema of the tables, the dbt var claims_schema (default: raw)",
    )
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    connection = connect_from_environment()
    try:
        for table in load_claim_folder(connection, arguments.claims_path, arguments.schema):
            print(f"{table.table}: {table.rows} rows from {table.files} files")
    finally:
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
