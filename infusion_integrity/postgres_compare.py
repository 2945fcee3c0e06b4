"""Compare a dbt run on DuckDB with one on PostgreSQL over the same generated claim files.

Generates synthetic claims with the project generator and runs ``dbt seed`` and ``dbt run``
on DuckDB. Then starts a throwaway PostgreSQL server on 127.0.0.1, loads the same files
into it (timed separately) and runs ``dbt seed`` and ``dbt run`` there. Checks that both
databases produce the same alerts and writes bench/POSTGRES.md and bench/postgres.json.
The server is stopped at the end, also after an error.

Run it with the interpreter of the PostgreSQL venv (it needs psycopg2, which the main venv
does not have), from the project folder::

    .venv-postgres/bin/python -m infusion_integrity.postgres_compare --lines 1000000

DuckDB's dbt runs from the main venv (``.venv/bin/dbt``), PostgreSQL's from the venv of
this interpreter.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from infusion_integrity.postgres_report import (
    compare_alert_rows,
    describe_machine,
    package_versions,
    write_report,
)
from infusion_integrity.postgres_server import DEFAULT_PORT, PostgresServer

logger = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT_DIR = PROJECT_DIR / "bench"
DEFAULT_DUCKDB_DBT = PROJECT_DIR / ".venv" / "bin" / "dbt"
CLAIMS_SCHEMA = "raw"
ALERT_QUERY = (
    "select alert_id, rule_id, reason_code, claim_id, amount_at_risk from alerts.alerts"
)


@dataclass
class DbtTiming:
    """Wall and CPU time of one dbt command and its slowest nodes from run_results.json."""

    command: str
    seconds: float
    # CPU time (user + system) of the dbt process, DuckDB's threads included.
    dbt_cpu_seconds: float
    # CPU time of the database server's processes that ended during the command (the
    # PostgreSQL backends and parallel workers serving dbt); 0 for DuckDB, which runs
    # inside dbt.
    server_cpu_seconds: float = 0.0
    slowest_nodes: list[tuple[str, float]] = field(default_factory=list)
    load_average_before: float = 0.0

    @property
    def cpu_seconds(self) -> float:
        return self.dbt_cpu_seconds + self.server_cpu_seconds


def child_count(pid: int) -> int:
    """Return the number of running processes whose parent is ``pid``."""
    count = 0
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_path.read_text()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
            count += 1
    return count


def wait_for_children(pid: int, count: int, timeout_seconds: float = 10.0) -> None:
    """Wait until process ``pid`` has at most ``count`` children, or the timeout passes.

    A backend ends a moment after its client disconnects, and only an ended backend
    adds its CPU time to the postmaster's cutime and cstime.
    """
    deadline = time.monotonic() + timeout_seconds
    while child_count(pid) > count and time.monotonic() < deadline:
        time.sleep(0.1)


def ended_children_cpu_seconds(pid: int) -> float:
    """Return the CPU time of the ended and reaped children of process ``pid``.

    These are fields cutime and cstime of /proc/<pid>/stat, in clock ticks.
    """
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    # Fields after the command name start at field 3 (state); cutime and cstime are 16, 17.
    ticks = int(fields[16 - 3]) + int(fields[17 - 3])
    return ticks / os.sysconf("SC_CLK_TCK")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infusion_integrity.postgres_compare",
        description=(
            "Run dbt seed + dbt run on DuckDB and on a throwaway PostgreSQL server over the "
            "same generated claims, compare the alerts and write bench/POSTGRES.md."
        ),
    )
    parser.add_argument(
        "--lines", type=int, default=1_000_000,
        help="claim lines to generate (default: 1000000)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT,
        help=f"port of the PostgreSQL server on 127.0.0.1 (default: {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR,
        help="folder for POSTGRES.md and postgres.json (default: bench/)",
    )
    parser.add_argument(
        "--duckdb-dbt", type=Path, default=DEFAULT_DUCKDB_DBT,
        help="dbt executable with dbt-duckdb installed (default: .venv/bin/dbt)",
    )
    parser.add_argument(
        "--wait-for-idle", type=float, default=0.0, metavar="SECONDS",
        help="before each timed step, wait up to SECONDS for the CPU to be idle "
        "(below 15%% busy over 5 s; default: 0, no wait)",
    )
    parser.add_argument(
        "--work-dir", type=Path, default=None,
        help="folder for the generated files, the DuckDB file and dbt logs "
        "(default: a temporary folder, removed at the end)",
    )
    return parser.parse_args(argv)


def load_average() -> float:
    return os.getloadavg()[0]


def cpu_times() -> tuple[float, float]:
    """Return the machine's busy and total CPU ticks from /proc/stat, summed over cores."""
    fields = [float(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def wait_for_idle_cpu(
    max_wait_seconds: float, busy_share: float = 0.15, window_seconds: float = 5.0
) -> float:
    """Wait until the machine's CPU use over one window is below ``busy_share``.

    Gives up after ``max_wait_seconds`` (0 does not wait) and returns the seconds waited.
    Other work may still start during the measurement; the report's load averages show it.
    """
    started = time.monotonic()
    while time.monotonic() - started < max_wait_seconds:
        busy_before, total_before = cpu_times()
        time.sleep(window_seconds)
        busy_after, total_after = cpu_times()
        share = (busy_after - busy_before) / max(total_after - total_before, 1.0)
        if share < busy_share:
            break
        logger.info("waiting for other processes: CPU %.0f%% busy", 100 * share)
    return time.monotonic() - started


def dbt_arguments(
    dbt_executable: Path, command: list[str], target: str, claims_dir: Path, work_dir: Path
) -> list[str]:
    """Return the command line of one dbt command against this project and ``target``."""
    return [
        str(dbt_executable), *command,
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR / "profiles"),
        "--target", target,
        "--target-path", str(work_dir / f"target_{target}"),
        "--log-path", str(work_dir / f"logs_{target}"),
        "--vars", json.dumps({"claims_path": str(claims_dir), "claims_schema": CLAIMS_SCHEMA}),
        "--no-use-colors",
    ]


def run_dbt_command(
    dbt_executable: Path,
    command: str,
    target: str,
    claims_dir: Path,
    work_dir: Path,
    environment: dict[str, str],
    idle_wait_seconds: float = 0.0,
    server_pid: int | None = None,
) -> DbtTiming:
    """Run ``dbt <command>`` against the project and return its wall and CPU time.

    ``server_pid`` is the PostgreSQL postmaster, whose ended children are the backends that
    served dbt. Raises RuntimeError with the end of dbt's output when the command fails.
    """
    wait_for_idle_cpu(idle_wait_seconds)
    logger.info("running dbt %s on %s", command, target)
    output_path = work_dir / f"dbt_{command}_{target}.out"
    load_before = load_average()
    server_cpu_before = ended_children_cpu_seconds(server_pid) if server_pid else 0.0
    server_children_before = child_count(server_pid) if server_pid else 0
    started = time.perf_counter()
    with output_path.open("wb") as output:
        process = subprocess.Popen(
            dbt_arguments(dbt_executable, [command], target, claims_dir, work_dir),
            cwd=PROJECT_DIR,
            env={**os.environ, **environment},
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        # os.wait4 returns the resource use of this child alone.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    server_cpu = 0.0
    if server_pid:
        wait_for_children(server_pid, server_children_before)
        server_cpu = ended_children_cpu_seconds(server_pid) - server_cpu_before
    if process.returncode != 0:
        raise RuntimeError(
            f"dbt {command} on target {target} failed (exit {process.returncode}); "
            f"the log is in {work_dir / f'logs_{target}'}. Output ends with:\n"
            f"{output_path.read_text(encoding='utf-8', errors='replace')[-4000:]}"
        )
    logger.info("dbt %s on %s took %.1f s", command, target, seconds)
    return DbtTiming(
        command=command,
        seconds=seconds,
        dbt_cpu_seconds=usage.ru_utime + usage.ru_stime,
        server_cpu_seconds=server_cpu,
        slowest_nodes=slowest_nodes(work_dir / f"target_{target}" / "run_results.json"),
        load_average_before=load_before,
    )


def run_data_tests(
    dbt_executable: Path, target: str, claims_dir: Path, work_dir: Path,
    environment: dict[str, str],
) -> dict[str, object]:
    """Run the dbt data tests (not the unit tests); return the counts and failing tests.

    Failing tests are returned, not raised. Raises RuntimeError when dbt itself fails
    (exit code 2).
    """
    logger.info("running dbt test --exclude test_type:unit on %s", target)
    result = subprocess.run(
        dbt_arguments(
            dbt_executable, ["test", "--exclude", "test_type:unit"], target, claims_dir, work_dir
        ),
        cwd=PROJECT_DIR,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in (0, 1):
        raise RuntimeError(
            f"dbt test on target {target} failed (exit {result.returncode}). Output ends with:\n"
            f"{result.stdout[-3000:]}{result.stderr[-2000:]}"
        )
    run_results = work_dir / f"target_{target}" / "run_results.json"
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    not_passed = [
        {"test": item["unique_id"].split(".")[-2], "status": item["status"],
         "message": item.get("message")}
        for item in results
        if item["status"] != "pass"
    ]
    return {
        "command": "dbt test --exclude test_type:unit",
        "tests": len(results),
        "passed": len(results) - len(not_passed),
        "not_passed": not_passed,
    }


def slowest_nodes(run_results_path: Path, count: int = 5) -> list[tuple[str, float]]:
    """Return the ``count`` nodes with the longest execution time in a run_results.json."""
    results = json.loads(run_results_path.read_text(encoding="utf-8"))["results"]
    timed = [
        (result["unique_id"].split(".")[-1], float(result["execution_time"]))
        for result in results
    ]
    return sorted(timed, key=lambda item: item[1], reverse=True)[:count]


def read_duckdb_alerts(database_path: Path) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(database_path), read_only=True) as connection:
        return connection.execute(ALERT_QUERY).fetchall()


def read_postgres_alerts(connection) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(ALERT_QUERY)
        rows = cursor.fetchall()
    # End the read transaction, so that it holds no lock while dbt runs the tests.
    connection.rollback()
    return rows


def generate_claims(claims_dir: Path, lines: int) -> int:
    from infusion_integrity.generator import generate_sample

    result = generate_sample(
        claims_dir,
        claims_dir.parent / "ground_truth.csv",
        target_lines=lines,
        file_format="parquet",
    )
    return result.claim_lines


def run_comparison(arguments: argparse.Namespace, work_dir: Path) -> dict[str, object]:
    """Generate, build on both databases, compare; return the figures of the report."""
    import psycopg2

    from infusion_integrity.postgres_load import load_claim_folder

    claims_dir = work_dir / "claims"
    started = time.perf_counter()
    claim_lines = generate_claims(claims_dir, arguments.lines)
    generate_seconds = time.perf_counter() - started

    duckdb_path = work_dir / "infusion_integrity.duckdb"
    duckdb_environment = {"INFUSION_INTEGRITY_DUCKDB": str(duckdb_path)}
    wait = arguments.wait_for_idle
    duckdb_seed = run_dbt_command(
        arguments.duckdb_dbt, "seed", "local", claims_dir, work_dir, duckdb_environment, wait
    )
    duckdb_run = run_dbt_command(
        arguments.duckdb_dbt, "run", "local", claims_dir, work_dir, duckdb_environment, wait
    )
    duckdb_alerts = read_duckdb_alerts(duckdb_path)

    postgres_dbt = Path(sys.executable).parent / "dbt"
    with PostgresServer(port=arguments.port) as server:
        info = server.connection
        connection = psycopg2.connect(
            host=info.host, port=info.port, user=info.user, password=info.password,
            dbname=info.dbname,
        )
        try:
            wait_for_idle_cpu(wait)
            load_before = load_average()
            started = time.perf_counter()
            loaded_tables = load_claim_folder(connection, claims_dir, schema=CLAIMS_SCHEMA)
            load_seconds = time.perf_counter() - started
            logger.info("loading the claim files into PostgreSQL took %.1f s", load_seconds)

            postgres_environment = info.environment()
            server_pid = server.postmaster_pid()
            postgres_seed = run_dbt_command(
                postgres_dbt, "seed", "postgres", claims_dir, work_dir, postgres_environment,
                wait, server_pid,
            )
            postgres_run = run_dbt_command(
                postgres_dbt, "run", "postgres", claims_dir, work_dir, postgres_environment,
                wait, server_pid,
            )
            postgres_alerts = read_postgres_alerts(connection)
            postgres_data_tests = run_data_tests(
                postgres_dbt, "postgres", claims_dir, work_dir, postgres_environment
            )
            settings = server.server_settings()
        finally:
            connection.close()

    comparison = compare_alert_rows(duckdb_alerts, postgres_alerts)
    return {
        "lines": claim_lines,
        "requested_lines": arguments.lines,
        "generate_seconds": round(generate_seconds, 2),
        "idle_wait_limit_seconds": arguments.wait_for_idle,
        "load": {
            "seconds": round(load_seconds, 2),
            "load_average_before": round(load_before, 2),
            "tables": [
                {"table": table.table, "files": table.files, "rows": table.rows}
                for table in loaded_tables
            ],
        },
        "duckdb": timing_figures(duckdb_seed, duckdb_run),
        "postgres": timing_figures(postgres_seed, postgres_run),
        "duckdb_to_postgres_run_ratio": round(duckdb_run.seconds / postgres_run.seconds, 3),
        "postgres_run_slowdown": round(postgres_run.seconds / duckdb_run.seconds, 2),
        "duckdb_to_postgres_run_cpu_ratio": round(
            duckdb_run.cpu_seconds / postgres_run.cpu_seconds, 3
        ),
        "alerts": comparison,
        "postgres_data_tests": postgres_data_tests,
        "postgres_settings": settings,
        "machine": describe_machine(),
        "versions": package_versions(arguments.duckdb_dbt),
    }


def timing_figures(seed: DbtTiming, run: DbtTiming) -> dict[str, object]:
    return {
        "seed_seconds": round(seed.seconds, 2),
        "run_seconds": round(run.seconds, 2),
        "run_cpu_seconds": round(run.cpu_seconds, 2),
        "run_dbt_cpu_seconds": round(run.dbt_cpu_seconds, 2),
        "run_server_cpu_seconds": round(run.server_cpu_seconds, 2),
        "run_load_average_before": round(run.load_average_before, 2),
        "slowest_models": [
            {"model": name, "seconds": round(seconds, 2)} for name, seconds in run.slowest_nodes
        ],
    }


def raise_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that the server is stopped as on any other error."""

    def handle(signum: int, frame: object) -> None:
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, handle)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    arguments = parse_arguments(argv)
    if arguments.lines < 1:
        raise SystemExit(f"invalid --lines {arguments.lines}: use 1 or more")
    if arguments.wait_for_idle < 0:
        raise SystemExit(f"invalid --wait-for-idle {arguments.wait_for_idle}: use 0 or more")
    if not arguments.duckdb_dbt.exists():
        raise SystemExit(
            f"dbt for DuckDB not found at {arguments.duckdb_dbt}; run make install or pass "
            "--duckdb-dbt"
        )
    raise_on_sigterm()

    keep_work_dir = arguments.work_dir is not None
    work_dir = arguments.work_dir or Path(tempfile.mkdtemp(prefix="infusion_pg_compare_"))
    work_dir = work_dir.resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    try:
        figures = run_comparison(arguments, work_dir)
    except BaseException:
        logger.error("comparison failed; generated files and dbt logs are kept in %s", work_dir)
        raise
    if not keep_work_dir:
        shutil.rmtree(work_dir, ignore_errors=True)

    json_path, markdown_path = write_report(figures, arguments.output_dir)
    logger.info("wrote %s and %s", markdown_path, json_path)
    alerts = figures["alerts"]
    print(
        f"{figures['lines']} lines: load {figures['load']['seconds']} s, "
        f"PostgreSQL run {figures['postgres']['run_seconds']} s, "
        f"DuckDB run {figures['duckdb']['run_seconds']} s, "
        f"DuckDB/PostgreSQL {figures['duckdb_to_postgres_run_ratio']}; alerts "
        f"{alerts['duckdb_count']} vs {alerts['postgres_count']}, "
        f"{'match' if alerts['match'] else 'DIFFER'}"
    )
    return 0 if alerts["match"] else 1


if __name__ == "__main__":
    sys.exit(main())
