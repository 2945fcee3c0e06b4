"""Run dbt in this Python process with the project's profile, claims folder and database file."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from dbt.cli.main import dbtRunner, dbtRunnerResult

logger = logging.getLogger(__name__)

DATABASE_ENV_VAR = "INFUSION_INTEGRITY_DUCKDB"
# dbt node statuses that count as failures. "skipped" is left out because a node is skipped
# when one of its parents failed, and the parent is reported.
FAILED_STATUSES = frozenset({"error", "fail", "runtime error", "partial success"})


def run_dbt(
    args: list[str],
    project_dir: Path,
    claims_path: Path | None,
    database_path: Path | None,
    extra_vars: dict[str, object] | None = None,
) -> None:
    """Run one dbt command, for example `["build"]`, against this project.

    `claims_path` is passed as the `claims_path` var and `database_path` through the
    INFUSION_INTEGRITY_DUCKDB environment variable that the profile reads. Both are made
    absolute first, because dbt resolves relative paths from the working directory.
    `extra_vars` are passed as further dbt vars (for example `{"incremental_run": True}`). dbt's
    console output goes to stderr, so that stdout carries only what the caller prints.

    Raises RuntimeError naming the failed nodes, or the error that stopped dbt, when the
    command does not succeed. Raises ValueError when `args` already contains `--vars` and a
    claims path is given too.
    """
    project_dir = Path(project_dir).resolve()
    command = [
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir / "profiles"),
    ]
    if not sys.stderr.isatty():
        command.append("--no-use-colors")
    dbt_vars: dict[str, object] = dict(extra_vars or {})
    if claims_path is not None:
        dbt_vars["claims_path"] = str(Path(claims_path).resolve())
    if dbt_vars:
        if "--vars" in args:
            raise ValueError(
                "Pass the claims folder and vars either as arguments or inside --vars, not both."
            )
        command += ["--vars", json.dumps(dbt_vars)]

    environment: dict[str, str] = {}
    if database_path is not None:
        environment[DATABASE_ENV_VAR] = str(Path(database_path).resolve())

    logger.info("Running dbt %s", " ".join(command))
    with _environment(environment), contextlib.redirect_stdout(sys.stderr):
        try:
            result = dbtRunner().invoke(command)
        finally:
            _close_duckdb_environment()
    if not result.success:
        raise RuntimeError(describe_failure(args, result, _log_file(args, project_dir)))
    logger.info("dbt %s finished", args[0] if args else "")


def describe_failure(args: list[str], result: dbtRunnerResult, log_file: Path) -> str:
    """Build the error message for a failed dbt run: the failed nodes or dbt's own error."""
    command = "dbt " + " ".join(args)
    if result.exception is not None:
        return f"{command} stopped with an error: {result.exception}"

    node_results = getattr(result.result, "results", None) or []
    failed = [item for item in node_results if str(item.status) in FAILED_STATUSES]
    if not failed:
        return f"{command} failed without reporting a failed node; see {log_file}."

    skipped = sum(1 for item in node_results if str(item.status) == "skipped")
    lines = [f"{command} failed on {len(failed)} node(s):"]
    for item in failed:
        message = " ".join(str(item.message or "").split())
        lines.append(f"  {item.node.unique_id} ({item.status}): {message}")
    if skipped:
        lines.append(f"{skipped} downstream node(s) were skipped.")
    lines.append(f"Details: {log_file}")
    return "\n".join(lines)


def _log_file(args: list[str], project_dir: Path) -> Path:
    """Return the dbt.log that a run writes: under --log-path, else <project>/logs."""
    if "--log-path" in args:
        position = args.index("--log-path")
        if position + 1 < len(args):
            return Path(args[position + 1]) / "dbt.log"
    return project_dir / "logs" / "dbt.log"


def _close_duckdb_environment() -> None:
    """Close the DuckDB database that dbt-duckdb keeps open after an in-process run.

    Without this, opening the same file again in this process (read-only, for the summary)
    fails with "Can't open a connection to same database file with a different configuration".
    """
    # NOTE: relies on DuckDBConnectionManager._ENV, an internal of dbt-duckdb 1.11.1 that
    # keeps the open database. Check it when upgrading dbt-duckdb.
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    DuckDBConnectionManager.close_all_connections()
    if environment is not None:
        environment.close()


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore them."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
