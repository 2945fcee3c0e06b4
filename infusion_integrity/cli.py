"""Command-line entry point `infusion-integrity`: generate, validate, build and summarise.

Exit codes: 0 success, 1 validation findings under --strict or a failed dbt run, 2 usage
error (a bad option, or a folder or file that does not exist).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from infusion_integrity import __version__

if TYPE_CHECKING:
    from infusion_integrity.validation import ValidationReport

logger = logging.getLogger("infusion_integrity.cli")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

DATABASE_ENV_VAR = "INFUSION_INTEGRITY_DUCKDB"
DATABASE_FILE_NAME = "infusion_integrity.duckdb"
SAMPLE_CLAIMS_FOLDER = Path("sample_data") / "claims"
MAX_FINDINGS_SHOWN = 50
_LOG_HANDLER_NAME = "infusion_integrity.cli"


class UsageError(Exception):
    """A request that cannot run as given: a missing path or a checkout without dbt files."""


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, run one subcommand and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging()
    try:
        return args.handler(args)
    except (UsageError, ValueError) as error:
        logger.error("%s", error)
        return EXIT_USAGE
    except RuntimeError as error:
        logger.error("%s", error)
        return EXIT_FAILURE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="infusion-integrity",
        description=(
            "Flag suspicious billing of IV infusions and injections in medical claims:"
            " validate claim files, build the dbt project into DuckDB and summarise the alerts."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_generate_parser(subcommands)
    _add_validate_parser(subcommands)
    _add_build_parser(subcommands)
    _add_summary_parser(subcommands)
    return parser


def _add_generate_parser(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "generate",
        help="write a synthetic claims sample with planted violations",
        description=(
            "Write synthetic medical_claim and eligibility files with planted violations, and"
            " a ground-truth file listing the alerts the rules must raise on them. Options"
            " left out take the defaults of `python -m infusion_integrity.generator --help`."
        ),
    )
    parser.add_argument(
        "--output",
        type=Path,
        required=True,
        metavar="DIR",
        help=(
            "folder to write the claim files into (created when missing; generated files of"
            " an earlier run in it are replaced)"
        ),
    )
    parser.add_argument(
        "--ground-truth",
        type=Path,
        required=True,
        metavar="FILE",
        help="CSV file to write the expected alerts of the planted cases into",
    )
    parser.add_argument(
        "--members",
        type=_positive_int,
        metavar="N",
        help=(
            "number of background members, each with about 20 claim lines"
            " (ignored when --target-lines is set)"
        ),
    )
    parser.add_argument(
        "--target-lines",
        type=_positive_int,
        metavar="N",
        help=(
            "approximate number of claim lines across all files"
            " (the member count becomes this number divided by 20)"
        ),
    )
    parser.add_argument(
        "--format",
        choices=("csv", "parquet"),
        dest="file_format",
        help="file format of the claim and eligibility files (default: csv)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="random seed (the same seed and options write the same files)",
    )
    parser.set_defaults(handler=run_generate)


def _add_validate_parser(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "validate",
        help="check raw claim files with great-expectations",
        description=(
            "Check every medical_claim*.csv|parquet and eligibility*.csv|parquet file in a"
            " folder: required columns, ISO 8601 dates, decimal amounts and quantities,"
            f" whole line numbers and claim types. Prints up to {MAX_FINDINGS_SHOWN} findings."
        ),
    )
    parser.add_argument(
        "--claims-path",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder containing the medical_claim* (and optional eligibility*) files",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when any finding is reported (default: report and exit 0)",
    )
    parser.set_defaults(handler=run_validate)


def _add_build_parser(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "build",
        help="validate the claim files, run `dbt build` and print the summary",
        description=(
            "Validate the claim files, run `dbt build` on the whole project (seeds, models"
            " and data tests) into a DuckDB file, then print the build summary. Rows with bad"
            " values do not stop the build: dbt moves them to staging.rejected_claim_lines."
        ),
    )
    parser.add_argument(
        "--claims-path",
        type=Path,
        metavar="DIR",
        help=f"folder containing the claim files (default: <project>/{SAMPLE_CLAIMS_FOLDER})",
    )
    parser.add_argument(
        "--database",
        type=Path,
        metavar="FILE",
        help=(
            f"DuckDB file to build into (default: ${DATABASE_ENV_VAR},"
            f" else <project>/{DATABASE_FILE_NAME})"
        ),
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help=(
            "load only claim files not loaded before into the same database, re-evaluate"
            " the persons they touch and keep everyone else's alerts (pre-payment runs)"
        ),
    )
    checks = parser.add_mutually_exclusive_group()
    checks.add_argument(
        "--strict",
        action="store_true",
        help="stop with status 1 before dbt runs when validation reports any finding",
    )
    checks.add_argument(
        "--skip-validation",
        action="store_true",
        help="run dbt without validating the claim files first",
    )
    parser.set_defaults(handler=run_build)


def _add_summary_parser(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "summary",
        help="print the summary of an existing build",
        description=(
            "Print rows read, staged and rejected, duplicates collapsed, claim versions and"
            " alerts with dollars at risk, read from a built DuckDB file (opened read-only)."
        ),
    )
    parser.add_argument(
        "--database",
        type=Path,
        metavar="FILE",
        help=(
            f"DuckDB file to read (default: ${DATABASE_ENV_VAR},"
            f" else <project>/{DATABASE_FILE_NAME})"
        ),
    )
    parser.set_defaults(handler=run_summary)


def run_generate(args: argparse.Namespace) -> int:
    # Imported here so that the other subcommands do not load the generator.
    from infusion_integrity.generator import generate_sample

    options = {
        "seed": args.seed,
        "members": args.members,
        "target_lines": args.target_lines,
        "file_format": args.file_format,
    }
    requested_options = {name: value for name, value in options.items() if value is not None}
    logger.info("Generating a synthetic sample into %s", args.output)
    result = generate_sample(args.output, args.ground_truth, **requested_options)
    logger.info(
        "Wrote %d claim lines in %d files to %s and %d ground-truth rows to %s",
        result.claim_lines,
        len(result.files),
        args.output,
        result.ground_truth_rows,
        args.ground_truth,
    )
    return EXIT_OK


def run_validate(args: argparse.Namespace) -> int:
    from infusion_integrity.validation import validate_claims_folder

    report = validate_claims_folder(args.claims_path)
    print_findings(report, sys.stdout)
    if args.strict and not report.ok:
        logger.error(
            "Validation failed: %d finding(s) in %s (--strict).",
            len(report.findings),
            args.claims_path,
        )
        return EXIT_FAILURE
    return EXIT_OK


def run_build(args: argparse.Namespace) -> int:
    project_dir = find_project_dir()
    claims_path = args.claims_path or project_dir / SAMPLE_CLAIMS_FOLDER
    database_path = args.database or default_database_path(project_dir)
    if not claims_path.is_dir():
        raise UsageError(
            f"Claims folder not found: '{claims_path}'. Pass the folder with --claims-path,"
            " or write the sample first with `infusion-integrity generate`."
        )

    if args.skip_validation:
        logger.info("Skipping validation of %s (--skip-validation)", claims_path)
    else:
        from infusion_integrity.validation import validate_claims_folder

        report = validate_claims_folder(claims_path)
        # Findings are diagnostics here, so they go to stderr and stdout keeps the summary.
        print_findings(report, sys.stderr)
        if args.strict and not report.ok:
            logger.error(
                "Validation failed with %d finding(s), so dbt was not run (--strict).",
                len(report.findings),
            )
            return EXIT_FAILURE
        if not report.ok:
            logger.warning(
                "Continuing with %d finding(s): dbt moves those rows to"
                " staging.rejected_claim_lines. Use --strict to stop instead.",
                len(report.findings),
            )

    from infusion_integrity.dbt_runner import run_dbt
    from infusion_integrity.summary import build_summary, format_summary

    extra_vars = {"incremental_run": True} if args.incremental else None
    run_dbt(["build"], project_dir, claims_path, database_path, extra_vars)
    sys.stdout.write(format_summary(build_summary(database_path)))
    return EXIT_OK


def run_summary(args: argparse.Namespace) -> int:
    from infusion_integrity.summary import build_summary, format_summary

    database_path = args.database or default_database_path(find_project_dir())
    sys.stdout.write(format_summary(build_summary(database_path)))
    return EXIT_OK


def print_findings(report: ValidationReport, stream: TextIO) -> None:
    """Write the first findings of a report and a one-line total to `stream`."""
    for finding in report.findings[:MAX_FINDINGS_SHOWN]:
        stream.write(finding.message + "\n")
    hidden = len(report.findings) - MAX_FINDINGS_SHOWN
    if hidden > 0:
        stream.write(f"... and {hidden:,} more finding(s) not shown\n")
    stream.write(
        f"Checked {report.files_checked} file(s), {report.rows_checked:,} row(s):"
        f" {len(report.findings):,} finding(s)\n"
    )


def find_project_dir() -> Path:
    """Return the dbt project folder: the repository root that contains this package."""
    project_dir = Path(__file__).resolve().parents[1]
    if not (project_dir / "dbt_project.yml").is_file():
        raise UsageError(
            f"dbt_project.yml not found in '{project_dir}'. The CLI runs the dbt project that"
            " sits next to the infusion_integrity package, so install it from a source checkout"
            " (pip install -e .)."
        )
    return project_dir


def default_database_path(project_dir: Path) -> Path:
    """Return $INFUSION_INTEGRITY_DUCKDB when set, else the DuckDB file in the project folder."""
    configured = os.environ.get(DATABASE_ENV_VAR, "").strip()
    if configured:
        return Path(configured)
    return project_dir / DATABASE_FILE_NAME


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid whole number: '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _configure_logging() -> None:
    """Send INFO and above of this package to stderr, and only warnings of other libraries.

    The handler is replaced on every call, so that it writes to the current sys.stderr.
    """
    package_logger = logging.getLogger("infusion_integrity")
    for handler in list(package_logger.handlers):
        if handler.get_name() == _LOG_HANDLER_NAME:
            package_logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_LOG_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    package_logger.addHandler(handler)
    package_logger.setLevel(logging.INFO)
    package_logger.propagate = False


if __name__ == "__main__":
    sys.exit(main())
