"""The floor: one DuckDB query doing the least work the build must do, on the same claim files.

It reads the Parquet claim files as text and normalises diagnosis, HCPCS and NDC codes
with the expressions of ``macros/normalize_codes.sql``, compiled for DuckDB. Then it joins
three code sets read from the seed CSVs and groups lines by encounter (person, billing NPI,
service date) into a table. It does not de-duplicate, resolve claim versions or run any
rule, so the build cannot be faster than it.

Run as a subprocess (``python -m infusion_integrity.bench.floor``) so that its memory is
sampled the same way as dbt's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from infusion_integrity.bench.sampling import ProcessMeasurement, run_measured

FLOOR_TABLE = "floor_encounters"
DIAGNOSIS_POSITIONS = range(1, 26)
# Mental-health tiers that the rules count by default (dbt var mental_health_tiers).
COUNTED_MENTAL_HEALTH_TIERS = ("core_psychiatric", "substance_use")
GLUED_MODIFIER_PATTERN = "([0-9]{4}[0-9FTU]|[A-V][0-9]{4})-?[0-9A-Z]{2}"


@dataclass(frozen=True)
class FloorResult:
    """Timing and size of one floor query, measured inside the floor process."""

    query_seconds: float
    lines_read: int
    encounters: int


# Claim columns the floor reads. A column that no file has is read as NULL, as staging does.
FLOOR_COLUMNS = (
    "person_id",
    "billing_npi",
    "claim_line_start_date",
    "claim_start_date",
    "hcpcs_code",
    "ndc_code",
    "paid_amount",
    *(f"diagnosis_code_{position}" for position in DIAGNOSIS_POSITIONS),
)


def _text(column: str) -> str:
    return f"nullif(trim({column}), '')"


def _sql_file_list(files: Sequence[Path]) -> str:
    return ", ".join("'" + str(path.resolve()).replace("'", "''") + "'" for path in files)


def _seed_reader(seeds_dir: Path, seed_name: str) -> str:
    path = str((seeds_dir / f"{seed_name}.csv").resolve()).replace("'", "''")
    return f"read_csv('{path}', all_varchar = true, header = true)"


def _within_dates(alias: str) -> str:
    return (
        f"coded.service_date >= cast({alias}.effective_from as date) and "
        f"(nullif({alias}.effective_to, '') is null "
        f"or coded.service_date <= cast({alias}.effective_to as date))"
    )


def floor_sql(
    claim_files: Sequence[Path],
    seeds_dir: Path,
    prefix_lengths: Sequence[int],
    present_columns: Collection[str],
) -> str:
    """Return the floor query, a ``create table`` over ``claim_files``.

    ``present_columns`` are the lower-case column names of the files. Columns of
    FLOOR_COLUMNS missing from them are read as NULL.

    ``prefix_lengths`` are the distinct lengths of ``diagnosis_prefix`` in
    ``ref_mental_health_dx``. The principal diagnosis takes the tier of its longest matching
    prefix, as int_claim_diagnoses_mental_health does, through one equality join per length
    instead of a LIKE join.
    """
    if not claim_files:
        raise ValueError("the floor query needs at least one claim file")
    file_list = _sql_file_list(claim_files)
    read_columns = ",\n        ".join(
        f"cast({column} as varchar) as {column}"
        if column in present_columns
        else f"cast(null as varchar) as {column}"
        for column in FLOOR_COLUMNS
    )
    diagnosis_columns = ",\n        ".join(
        f"nullif(upper(replace(replace(trim(diagnosis_code_{position}), "
        f"'.', ''), ' ', '')), '') as diagnosis_code_{position}"
        for position in DIAGNOSIS_POSITIONS
    )
    diagnosis_count = " + ".join(
        f"cast(diagnosis_code_{position} is not null as integer)"
        for position in DIAGNOSIS_POSITIONS
    )
    prefix_joins = "\n".join(
        f"        left join mental_health_dx as dx{length}\n"
        f"            on dx{length}.prefix_length = {length}\n"
        f"            and left(coded.diagnosis_code_1, {length}) = dx{length}.diagnosis_prefix\n"
        f"            and {_within_dates(f'dx{length}')}"
        for length in prefix_lengths
    )
    longest_tier = (
        "coalesce("
        + ", ".join(f"dx{length}.tier" for length in sorted(prefix_lengths, reverse=True))
        + ")"
        if prefix_lengths
        else "cast(null as varchar)"
    )
    counted_tiers = ", ".join(f"'{tier}'" for tier in COUNTED_MENTAL_HEALTH_TIERS)
    ndc_body = (
        "regexp_replace(regexp_replace(regexp_replace("
        "upper(trim(ndc_code)), '^N4', '', 'g'), "
        "'[ ]*(ML|UN|GR|F2|ME)[0-9.]*$', '', 'g'), '[ ]+', '-', 'g')"
    )
    return f"""
create or replace table {FLOOR_TABLE} as
with claim_files as (
    select
        {read_columns}
    from read_parquet([{file_list}], union_by_name = true)
),
source_lines as (
    select
        {_text('person_id')} as person_id,
        {_text('billing_npi')} as billing_npi,
        coalesce(
            try_cast({_text('claim_line_start_date')} as date),
            try_cast({_text('claim_start_date')} as date)
        ) as service_date,
        nullif(upper(replace(trim(hcpcs_code), ' ', '')), '') as hcpcs_text,
        {ndc_body} as ndc_body,
        try_cast({_text('paid_amount')} as decimal(18, 2)) as paid_amount,
        {diagnosis_columns}
    from claim_files
),
coded as (
    select
        *,
        case
            when regexp_full_match(hcpcs_text, '{GLUED_MODIFIER_PATTERN}')
                then substring(hcpcs_text, 1, 5)
            else hcpcs_text
        end as hcpcs_code,
        case
            when regexp_full_match(hcpcs_text, '{GLUED_MODIFIER_PATTERN}')
                then substring(hcpcs_text, length(hcpcs_text) - 1, 2)
        end as glued_modifier,
        case
            when regexp_full_match(ndc_body, '[0-9]{{11}}') then ndc_body
            when regexp_full_match(ndc_body, '[0-9]{{5}}-[0-9]{{4}}-[0-9]{{2}}')
                then replace(ndc_body, '-', '')
            when regexp_full_match(ndc_body, '[0-9]{{4}}-[0-9]{{4}}-[0-9]{{2}}')
                then '0' || replace(ndc_body, '-', '')
            when regexp_full_match(ndc_body, '[0-9]{{5}}-[0-9]{{3}}-[0-9]{{2}}')
                then split_part(ndc_body, '-', 1) || '0' || split_part(ndc_body, '-', 2)
                    || split_part(ndc_body, '-', 3)
            when regexp_full_match(ndc_body, '[0-9]{{5}}-[0-9]{{4}}-[0-9]')
                then split_part(ndc_body, '-', 1) || split_part(ndc_body, '-', 2)
                    || '0' || split_part(ndc_body, '-', 3)
        end as ndc_code,
        {diagnosis_count} as diagnosis_codes
    from source_lines
),
admin_codes as (
    select * from {_seed_reader(seeds_dir, 'ref_drug_admin_codes')}
),
drug_ranges as (
    select * from {_seed_reader(seeds_dir, 'ref_drug_hcpcs_ranges')}
),
mental_health_dx as (
    select *, length(diagnosis_prefix) as prefix_length
    from {_seed_reader(seeds_dir, 'ref_mental_health_dx')}
),
classified as (
    select
        coded.person_id,
        coded.billing_npi,
        coded.service_date,
        coded.paid_amount,
        coded.ndc_code,
        coded.glued_modifier,
        coded.diagnosis_codes,
        admin_codes.admin_class,
        drug_ranges.drug_category,
        {longest_tier} as principal_diagnosis_tier
    from coded
    left join admin_codes
        on coded.hcpcs_code = admin_codes.hcpcs_code
        and {_within_dates('admin_codes')}
    left join drug_ranges
        on coded.hcpcs_code between drug_ranges.code_from and drug_ranges.code_to
        and length(coded.hcpcs_code) = 5
        and {_within_dates('drug_ranges')}
{prefix_joins}
)
select
    person_id,
    billing_npi,
    service_date,
    count(*) as claim_lines,
    count(admin_class) as administration_lines,
    count(*) filter (where admin_class = 'infusion') as infusion_lines,
    count(drug_category) as drug_lines,
    count(ndc_code) as ndc_lines,
    count(glued_modifier) as glued_modifier_lines,
    sum(diagnosis_codes) as diagnosis_codes,
    coalesce(bool_or(principal_diagnosis_tier in ({counted_tiers})), false)
        as has_mental_health_diagnosis,
    sum(paid_amount) as paid_amount
from classified
group by person_id, billing_npi, service_date
"""


def claim_files(claims_dir: Path) -> list[Path]:
    """Return the Parquet claim files the build reads (medical_claim*.parquet), sorted."""
    return sorted(claims_dir.glob("medical_claim*.parquet"))


def file_columns(connection: duckdb.DuckDBPyConnection, files: Sequence[Path]) -> set[str]:
    file_list = _sql_file_list(files)
    rows = connection.execute(
        f"describe select * from read_parquet([{file_list}], union_by_name = true)"
    ).fetchall()
    return {str(row[0]).lower() for row in rows}


def prefix_lengths(connection: duckdb.DuckDBPyConnection, seeds_dir: Path) -> list[int]:
    rows = connection.execute(
        "select distinct length(diagnosis_prefix) from "
        f"{_seed_reader(seeds_dir, 'ref_mental_health_dx')} order by 1"
    ).fetchall()
    return [int(row[0]) for row in rows if row[0] is not None]


def run_floor_query(
    claims_dir: Path, seeds_dir: Path, database_path: Path, memory_limit: str, threads: int
) -> FloorResult:
    """Run the floor query into ``database_path`` with DuckDB's memory limit and threads set.

    Only the ``create table`` statement is timed. Raises FileNotFoundError when
    ``claims_dir`` has no Parquet claim files.
    """
    files = claim_files(claims_dir)
    if not files:
        raise FileNotFoundError(f"no medical_claim*.parquet files in {claims_dir}")
    connection = duckdb.connect(
        str(database_path), config={"memory_limit": memory_limit, "threads": threads}
    )
    try:
        sql = floor_sql(
            files,
            seeds_dir,
            prefix_lengths(connection, seeds_dir),
            file_columns(connection, files),
        )
        started = time.perf_counter()
        connection.execute(sql)
        query_seconds = time.perf_counter() - started
        encounters, lines_read = connection.execute(
            f"select count(*), coalesce(sum(claim_lines), 0) from {FLOOR_TABLE}"
        ).fetchone()
    finally:
        connection.close()
    return FloorResult(
        query_seconds=query_seconds, lines_read=int(lines_read), encounters=int(encounters)
    )


def run_floor_measured(
    *,
    claims_dir: Path,
    seeds_dir: Path,
    database_path: Path,
    memory_limit: str,
    threads: int,
    run_dir: Path,
) -> tuple[ProcessMeasurement, FloorResult | None]:
    """Run the floor in a subprocess, sampling its memory. The result is None if it failed."""
    result_path = run_dir / "floor.json"
    result_path.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "infusion_integrity.bench.floor",
        "--claims",
        str(claims_dir),
        "--seeds",
        str(seeds_dir),
        "--database",
        str(database_path),
        "--memory-limit",
        memory_limit,
        "--threads",
        str(threads),
        "--result",
        str(result_path),
    ]
    measurement = run_measured(command, output_path=run_dir / "floor.out")
    if measurement.return_code != 0 or not result_path.exists():
        return measurement, None
    values = json.loads(result_path.read_text(encoding="utf-8"))
    return measurement, FloorResult(**values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infusion_integrity.bench.floor",
        description="Run the benchmark's floor query once and write its timing as JSON.",
    )
    parser.add_argument("--claims", type=Path, required=True, help="folder of Parquet claims")
    parser.add_argument("--seeds", type=Path, required=True, help="the project's seeds folder")
    parser.add_argument("--database", type=Path, required=True, help="DuckDB file to write")
    parser.add_argument("--memory-limit", required=True, help="DuckDB memory_limit, e.g. 4GB")
    parser.add_argument("--threads", type=int, required=True, help="DuckDB threads")
    parser.add_argument("--result", type=Path, required=True, help="JSON file for the timing")
    arguments = parser.parse_args(argv)
    result = run_floor_query(
        arguments.claims,
        arguments.seeds,
        arguments.database,
        arguments.memory_limit,
        arguments.threads,
    )
    arguments.result.write_text(json.dumps(result.__dict__), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
