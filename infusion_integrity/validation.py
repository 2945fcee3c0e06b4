"""Validate raw claim files with great-expectations before the dbt build.

Each ``medical_claim*`` and ``eligibility*`` file in the claims folder is read with the duckdb
client as text, the way the dbt sources read it, and checked with a great-expectations suite on
a pandas frame. great-expectations 1.x returns empty results for DuckDB tables through its SQL
data source, which is why the checks run on pandas frames.

Most checks mirror the reasons for which `stg_medical_claim_parsed` rejects a row, so a row with
a finding usually lands in `rejected_claim_lines`, which records only its first reason. The
claim_type and eligibility checks go further than staging does. Bad rows do not stop the build,
because dbt quarantines them with a reason code.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
)
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.datasource.fluent import PandasDatasource
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.row_conditions import Column

from infusion_integrity.contract import (
    DATE_COLUMNS,
    ELIGIBILITY_COLUMNS,
    MONEY_COLUMNS,
    PERSON_COLUMN_ALIASES,
    REQUIRED_MEDICAL_CLAIM_COLUMNS,
)

logger = logging.getLogger(__name__)

MEDICAL_CLAIM_PREFIX = "medical_claim"
ELIGIBILITY_PREFIX = "eligibility"
FILE_EXTENSIONS = ("csv", "parquet")

CLAIM_TYPES = ("professional", "institutional", "undetermined", "dental", "vision")
LINE_NUMBER_REGEX = r"^[0-9]+$"
ISO_DATE_REGEX = r"^\d{4}-\d{2}-\d{2}$"
ISO_DATE_FORMAT = "%Y-%m-%d"
# Decimal text with an optional minus sign: '12', '-99.55', '12.', '.5'. No thousands separators.
# The groups are non-capturing because pandas warns about capturing groups in str.contains.
DECIMAL_REGEX = r"^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"
# Quantities that staging casts to numbers (`invalid_units` when they do not parse).
QUANTITY_COLUMNS = ("service_unit_quantity", "ndc_quantity")
# Staging needs a line or a header service date (`missing_service_date` when both are NULL).
SERVICE_DATE_COLUMNS = ("claim_line_start_date", "claim_start_date")
ELIGIBILITY_DATE_COLUMNS = tuple(
    column for column in ELIGIBILITY_COLUMNS if column.endswith("_date")
)

# Keys of the `meta` dict that each expectation carries, so that a result maps back to a message.
META_PROBLEM = "problem"
META_ORDER = "order"

# Expectation type recorded for a file that duckdb cannot read at all.
UNREADABLE_FILE = "file_readable"


@dataclass(frozen=True)
class Finding:
    """One failed check: a cell, or a whole column when `row_number` is None.

    `row_number` counts data rows from 1 (the header is not counted), like dbt's
    `source_row_number`. `expectation` is the great-expectations expectation type, for
    example `expect_column_values_to_match_regex`. `message` is one line for a person.
    """
    # NOTE: dbt numbers CSV rows with row_number() over the file without an order by. That
    # followed file order in the files tested, but DuckDB does not promise it.

    file: str
    row_number: int | None
    column: str
    value: str | None
    expectation: str
    message: str


@dataclass(frozen=True)
class ValidationReport:
    """Findings of one claims folder, with the number of files and data rows checked."""

    files_checked: int
    rows_checked: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class _FileCheck:
    """One file read as text: `values` as dbt reads them, `checked` as the suite validates them."""

    name: str
    values: pd.DataFrame
    checked: pd.DataFrame


def validate_claims_folder(claims_path: Path) -> ValidationReport:
    """Check every claim and eligibility file in `claims_path` and collect the failures.

    Raises ValueError when the folder does not exist or contains no `medical_claim*.csv` or
    `medical_claim*.parquet` file.
    """
    claims_path = Path(claims_path)
    if not claims_path.is_dir():
        raise ValueError(
            f"Claims folder not found: '{claims_path}'. Expected a folder containing"
            f" {MEDICAL_CLAIM_PREFIX}*.csv or {MEDICAL_CLAIM_PREFIX}*.parquet files."
            " Pass an existing folder with --claims-path."
        )
    claim_files = list_input_files(claims_path, MEDICAL_CLAIM_PREFIX)
    if not claim_files:
        raise ValueError(
            f"No {MEDICAL_CLAIM_PREFIX}*.csv or {MEDICAL_CLAIM_PREFIX}*.parquet files found in"
            f" '{claims_path}'. Put the claim files there or pass another folder with"
            " --claims-path."
        )
    eligibility_files = list_input_files(claims_path, ELIGIBILITY_PREFIX)
    logger.info(
        "Validating %d claim file(s) and %d eligibility file(s) in %s",
        len(claim_files),
        len(eligibility_files),
        claims_path,
    )

    context = _new_context()
    datasource = context.data_sources.add_pandas("claim_files")
    findings: list[Finding] = []
    rows_checked = 0
    tasks = [(path, _claim_expectations) for path in claim_files]
    tasks += [(path, _eligibility_expectations) for path in eligibility_files]
    for path, build_expectations in tasks:
        try:
            file_check = read_input_file(path)
        except duckdb.Error as error:
            findings.append(_unreadable_file_finding(path, error))
            continue
        rows_checked += len(file_check.values)
        expectations = list(build_expectations(file_check.checked))
        for order, expectation in enumerate(expectations):
            expectation.meta[META_ORDER] = order
        result = _run_suite(context, datasource, file_check, expectations)
        file_findings = _findings_from_result(file_check, result)
        logger.info(
            "%s: %d row(s), %d finding(s)", path.name, len(file_check.values), len(file_findings)
        )
        findings.extend(file_findings)

    return ValidationReport(
        files_checked=len(tasks), rows_checked=rows_checked, findings=findings
    )


def list_input_files(claims_path: Path, prefix: str) -> list[Path]:
    """List the `<prefix>*.csv` and `<prefix>*.parquet` files of a folder, as dbt globs them."""
    files: list[Path] = []
    for extension in FILE_EXTENSIONS:
        files.extend(sorted(claims_path.glob(f"{prefix}*.{extension}")))
    return files


def read_input_file(path: Path) -> _FileCheck:
    """Read a CSV or Parquet file with every column as text, trimmed, blanks as NULL.

    The dbt sources read the same way (`read_claim_files.sql`): lower-cased column names
    match the contract, values are trimmed and an empty string is NULL.
    """
    # NOTE: the whole file is loaded into a pandas frame of Python strings, so memory grows
    # with the file. Split files of millions of rows, or build with --skip-validation.
    if path.suffix.lower() == ".csv":
        reader = "read_csv(?, all_varchar = true, header = true, null_padding = true)"
    else:
        reader = "read_parquet(?)"
    with duckdb.connect() as connection:
        described = connection.execute(f"describe select * from {reader}", [str(path)])
        names = [row[0] for row in described.fetchall()]
        selected = ", ".join(
            f"nullif(trim(cast({_quote(name)} as varchar)), '') as {_quote(name.lower())}"
            for name in names
        )
        frame = connection.execute(f"select {selected} from {reader}", [str(path)]).df()

    # pandas reads SQL NULL as NaN. Findings report None instead.
    values = frame.astype(object).where(frame.notna(), None)
    checked = values
    if "claim_type" in values.columns:
        # Staging lower-cases claim_type before it compares, so 'Professional' is accepted.
        checked = values.assign(claim_type=values["claim_type"].str.lower())
    return _FileCheck(name=path.name, values=values, checked=checked)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _new_context() -> AbstractDataContext:
    """Create an in-memory great-expectations context without progress bars or INFO logs."""
    _quiet_great_expectations_loggers()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _quiet_great_expectations_loggers() -> None:
    # Some great-expectations modules set their own logger to INFO (1.24.1: the one that
    # announces the temporary docs folder of an ephemeral context), so the parent's level
    # alone does not quiet them.
    names = [
        name for name in logging.root.manager.loggerDict if name.startswith("great_expectations")
    ]
    for name in ["great_expectations", *names]:
        logging.getLogger(name).setLevel(logging.WARNING)


def _claim_expectations(frame: pd.DataFrame) -> Iterator[Expectation]:
    """Yield the expectations for one medical claim file, in the order findings are reported."""
    columns = set(frame.columns)
    yield from _required_column_expectations(REQUIRED_MEDICAL_CLAIM_COLUMNS)
    person_column = _person_column(columns)
    yield from _required_person_expectations(person_column)

    for column in ("claim_id", "claim_line_number"):
        if column in columns:
            yield gxe.ExpectColumnValuesToNotBeNull(
                column=column, meta=_meta("is missing (required)")
            )
    if "claim_line_number" in columns:
        yield gxe.ExpectColumnValuesToMatchRegex(
            column="claim_line_number",
            regex=LINE_NUMBER_REGEX,
            meta=_meta("is not a whole number"),
        )

    yield from _date_expectations(columns, DATE_COLUMNS)
    yield from _service_date_expectations(columns)

    for column in MONEY_COLUMNS:
        if column in columns:
            yield gxe.ExpectColumnValuesToMatchRegex(
                column=column,
                regex=DECIMAL_REGEX,
                meta=_meta("is not a decimal amount (digits, optional '-' and '.', no commas)"),
            )
    for column in QUANTITY_COLUMNS:
        if column in columns:
            yield gxe.ExpectColumnValuesToMatchRegex(
                column=column,
                regex=DECIMAL_REGEX,
                meta=_meta("is not a decimal quantity (digits, optional '-' and '.', no commas)"),
            )

    if "claim_type" in columns:
        yield gxe.ExpectColumnValuesToBeInSet(
            column="claim_type",
            value_set=list(CLAIM_TYPES),
            meta=_meta(f"is not a known claim type ({', '.join(CLAIM_TYPES)}, or empty)"),
        )


def _eligibility_expectations(frame: pd.DataFrame) -> Iterator[Expectation]:
    """Yield the expectations for one eligibility file: a person id and ISO dates."""
    columns = set(frame.columns)
    yield from _required_person_expectations(_person_column(columns))
    yield from _date_expectations(columns, ELIGIBILITY_DATE_COLUMNS)


def _person_column(columns: set[str]) -> str | None:
    """Return the column that dbt reads as person_id: person_id, else patient_id."""
    for column in PERSON_COLUMN_ALIASES:
        if column in columns:
            return column
    return None


def _required_column_expectations(required: tuple[str, ...]) -> Iterator[Expectation]:
    for column in required:
        yield gxe.ExpectColumnToExist(
            column=column, meta=_meta(f"required column {column} is missing")
        )


def _required_person_expectations(person_column: str | None) -> Iterator[Expectation]:
    if person_column is None:
        # Neither name is present: expect the current one, so the finding names it.
        expected_column, older_name = PERSON_COLUMN_ALIASES
        yield gxe.ExpectColumnToExist(
            column=expected_column,
            meta=_meta(
                f"required column {expected_column} (or the older name {older_name}) is missing"
            ),
        )
        return
    yield gxe.ExpectColumnValuesToNotBeNull(
        column=person_column,
        meta=_meta("is missing (required)"),
    )


def _date_expectations(columns: set[str], date_columns: tuple[str, ...]) -> Iterator[Expectation]:
    """Yield a shape check and a calendar check for each date column that the file has."""
    for column in date_columns:
        if column not in columns:
            continue
        yield gxe.ExpectColumnValuesToMatchRegex(
            column=column,
            regex=ISO_DATE_REGEX,
            meta=_meta("is not an ISO 8601 date (YYYY-MM-DD)"),
        )
        # The regex passes '2026-13-01' and '2026-02-30'. Only one finding per cell is kept,
        # so a value that fails the regex is not reported again here.
        yield gxe.ExpectColumnValuesToMatchStrftimeFormat(
            column=column,
            strftime_format=ISO_DATE_FORMAT,
            meta=_meta("is not a real calendar date (YYYY-MM-DD)"),
        )


def _service_date_expectations(columns: set[str]) -> Iterator[Expectation]:
    """Yield the check that each line has a line or a header service date."""
    line_column, header_column = SERVICE_DATE_COLUMNS
    if line_column in columns and header_column in columns:
        yield gxe.ExpectColumnValuesToNotBeNull(
            column=line_column,
            row_condition=Column(name=header_column).is_null(),
            meta=_meta(f"is missing and so is {header_column} (one of them is required)"),
        )
    elif line_column in columns or header_column in columns:
        present = line_column if line_column in columns else header_column
        yield gxe.ExpectColumnValuesToNotBeNull(
            column=present, meta=_meta("is missing (a service date is required)")
        )
    else:
        yield gxe.ExpectColumnToExist(
            column=line_column,
            meta=_meta(
                f"required column {line_column} (or {header_column}) is missing,"
                " so every row lacks a service date"
            ),
        )


def _meta(problem: str) -> dict[str, object]:
    """Build the meta dict that carries the problem in plain words into the result."""
    return {META_PROBLEM: problem}


def _run_suite(
    context: AbstractDataContext,
    datasource: PandasDatasource,
    file_check: _FileCheck,
    expectations: list[Expectation],
) -> ExpectationSuiteValidationResult:
    asset_name = f"{len(datasource.assets)}:{file_check.name}"
    asset = datasource.add_dataframe_asset(asset_name)
    batch_definition = asset.add_batch_definition_whole_dataframe("whole_file")
    suite = context.suites.add(gx.ExpectationSuite(name=asset_name, expectations=expectations))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=asset_name, data=batch_definition, suite=suite)
    )
    return validation.run(
        batch_parameters={"dataframe": file_check.checked},
        result_format={"result_format": "COMPLETE"},
    )


def _findings_from_result(
    file_check: _FileCheck, result: ExpectationSuiteValidationResult
) -> list[Finding]:
    """Turn failed expectations into findings, one per cell, in expectation order."""
    failed = [item for item in result.results if not item.success]
    failed.sort(key=lambda item: item.expectation_config.meta.get(META_ORDER, 0))
    findings: list[Finding] = []
    reported_cells: set[tuple[int, str]] = set()
    for item in failed:
        config = item.expectation_config
        column = str(config.kwargs.get("column", ""))
        problem = str(config.meta.get(META_PROBLEM, config.type))
        exception = item.exception_info or {}
        if exception.get("raised_exception"):
            # A check that raises inside great-expectations becomes one column-level finding,
            # so that a library error does not hide the results of the other checks.
            message = f"{file_check.name}: check on {column} failed to run: " + str(
                exception.get("exception_message")
            )
            findings.append(Finding(file_check.name, None, column, None, config.type, message))
            continue
        index_list = item.result.get("unexpected_index_list")
        if index_list is None:
            message = f"{file_check.name}: {problem}"
            findings.append(Finding(file_check.name, None, column, None, config.type, message))
            continue
        for index in index_list:
            if (index, column) in reported_cells:
                continue
            reported_cells.add((index, column))
            findings.append(_cell_finding(file_check, int(index), column, problem, config.type))
    findings.sort(key=lambda finding: (finding.row_number or 0))
    return findings


def _cell_finding(
    file_check: _FileCheck, index: int, column: str, problem: str, expectation: str
) -> Finding:
    value = file_check.values.at[index, column]
    row_number = index + 1
    subject = column if value is None else f"{column} '{value}'"
    message = f"{file_check.name} row {row_number}: {subject} {problem}"
    return Finding(file_check.name, row_number, column, value, expectation, message)


def _unreadable_file_finding(path: Path, error: duckdb.Error) -> Finding:
    text = str(error).strip()
    reason = text.splitlines()[0] if text else type(error).__name__
    if path.suffix.lower() == ".csv":
        advice = "Check the delimiter, the header row and the encoding (UTF-8)."
    else:
        advice = "Check that the file is a complete Parquet file."
    message = f"{path.name}: cannot be read ({reason}). {advice}"
    return Finding(path.name, None, "", None, UNREADABLE_FILE, message)
