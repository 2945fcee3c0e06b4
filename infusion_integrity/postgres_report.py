"""Alert comparison, machine facts and the report page of the DuckDB/PostgreSQL comparison."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections import Counter
from datetime import datetime, timezone
from decimal import Decimal
from importlib import metadata
from pathlib import Path

JSON_NAME = "postgres.json"
MARKDOWN_NAME = "POSTGRES.md"
SHOWN_DIFFERENCES = 10
ALERT_COLUMNS = ("alert_id", "rule_id", "reason_code", "claim_id", "amount_at_risk")


def normalise_alert(row: tuple) -> tuple[str | None, ...]:
    """Return an alert row as text, the amount with two decimals, for comparison."""
    alert_id, rule_id, reason_code, claim_id, amount = row
    amount_text = None if amount is None else str(Decimal(str(amount)).quantize(Decimal("0.01")))
    return (alert_id, rule_id, reason_code, claim_id, amount_text)


def compare_alert_rows(duckdb_rows: list[tuple], postgres_rows: list[tuple]) -> dict[str, object]:
    """Compare two sets of alert rows as multisets; return counts and the differing rows."""
    duckdb_alerts = Counter(normalise_alert(row) for row in duckdb_rows)
    postgres_alerts = Counter(normalise_alert(row) for row in postgres_rows)
    only_duckdb = sorted((duckdb_alerts - postgres_alerts).elements(), key=str)
    only_postgres = sorted((postgres_alerts - duckdb_alerts).elements(), key=str)
    return {
        "compared_columns": list(ALERT_COLUMNS),
        "duckdb_count": len(duckdb_rows),
        "postgres_count": len(postgres_rows),
        "match": not only_duckdb and not only_postgres,
        "only_duckdb_count": len(only_duckdb),
        "only_postgres_count": len(only_postgres),
        "only_duckdb": [list(row) for row in only_duckdb[:SHOWN_DIFFERENCES]],
        "only_postgres": [list(row) for row in only_postgres[:SHOWN_DIFFERENCES]],
        "duckdb_by_rule": dict(sorted(Counter(row[1] for row in duckdb_rows).items())),
        "postgres_by_rule": dict(sorted(Counter(row[1] for row in postgres_rows).items())),
    }


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            return value.strip()
    return platform.processor() or "unknown"


def memory_bytes() -> int | None:
    try:
        text = Path("/proc/meminfo").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return None


def describe_machine() -> dict[str, object]:
    """Return cores, memory, CPU model, operating system and Python version."""
    return {
        "cpu_count": os.cpu_count(),
        "memory_bytes": memory_bytes(),
        "cpu_model": cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python_version": platform.python_version(),
    }


def _installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def package_versions(duckdb_dbt: Path) -> dict[str, str]:
    """Return the dbt and driver versions of both venvs (DuckDB's read through its python)."""
    versions = {
        "postgres_venv_dbt_core": _installed("dbt-core"),
        "dbt_postgres": _installed("dbt-postgres"),
        "psycopg2_binary": _installed("psycopg2-binary"),
    }
    duckdb_python = duckdb_dbt.parent / "python"
    script = (
        "import importlib.metadata as m, json;"
        "print(json.dumps({n: m.version(n) for n in ('dbt-core', 'dbt-duckdb', 'duckdb')}))"
    )
    result = subprocess.run(
        [str(duckdb_python), "-c", script], capture_output=True, text=True, check=False
    )
    if result.returncode == 0:
        duckdb_versions = json.loads(result.stdout)
        versions["duckdb_venv_dbt_core"] = duckdb_versions["dbt-core"]
        versions["dbt_duckdb"] = duckdb_versions["dbt-duckdb"]
        versions["duckdb"] = duckdb_versions["duckdb"]
    return versions


def write_report(figures: dict[str, object], output_dir: Path) -> tuple[Path, Path]:
    """Write postgres.json and POSTGRES.md into ``output_dir``; return both paths."""
    output_dir.mkdir(parents=True, exist_ok=True)
    figures = {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **figures}
    json_path = output_dir / JSON_NAME
    json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    markdown_path = output_dir / MARKDOWN_NAME
    markdown_path.write_text(render_markdown(figures), encoding="utf-8")
    return json_path, markdown_path


def render_markdown(figures: dict) -> str:
    """Return the report page for the figures of one comparison run."""
    sections = [
        _timing_section(figures),
        _alert_section(figures["alerts"]),
        _data_test_section(figures["postgres_data_tests"]),
        _slowest_section(figures["duckdb"], figures["postgres"]),
        _server_section(figures["postgres_settings"]),
        _machine_section(figures),
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def _timing_section(figures: dict) -> list[str]:
    duckdb = figures["duckdb"]
    postgres = figures["postgres"]
    return [
        "# DuckDB and PostgreSQL on the same claims",
        "",
        f"Measured {figures['measured_at']} with `python -m infusion_integrity.postgres_compare"
        f" --lines {figures['requested_lines']}` (what `make bench-postgres` runs). Every figure"
        " on this page comes from that one run; `postgres.json` beside it has them all.",
        "",
        f"The generator wrote {figures['lines']:,} claim lines as Parquet. DuckDB read the"
        " files directly; PostgreSQL got them loaded into `raw.medical_claim` and"
        " `raw.eligibility` first (COPY through psycopg2, every column as text). Both ran"
        " `dbt seed` and then `dbt run` of every model. Times are wall-clock seconds of the"
        " dbt process, start-up included.",
        "",
        "| step | DuckDB | PostgreSQL |",
        "|---|---:|---:|",
        f"| load claim files | (reads the files) | {figures['load']['seconds']:.1f} s |",
        f"| dbt seed | {duckdb['seed_seconds']:.1f} s | {postgres['seed_seconds']:.1f} s |",
        f"| dbt run | {duckdb['run_seconds']:.1f} s | {postgres['run_seconds']:.1f} s |",
        f"| dbt run, CPU seconds of dbt and the server | {duckdb['run_cpu_seconds']:.1f} s"
        f" | {postgres['run_cpu_seconds']:.1f} s |",
        f"| 1-minute load average before dbt run | {duckdb['run_load_average_before']:.2f}"
        f" | {postgres['run_load_average_before']:.2f} |",
        "",
        "DuckDB/PostgreSQL ratio of the dbt run times:"
        f" **{figures['duckdb_to_postgres_run_ratio']}** (PostgreSQL takes"
        f" {figures['postgres_run_slowdown']} times as long as DuckDB).",
        f"A load average above the {figures['machine']['cpu_count']} cores means that other"
        " processes competed for the CPU during the run, so the times include waiting for it.",
        "The CPU seconds depend less on such competition. DuckDB runs inside the dbt process;"
        " PostgreSQL's count adds the CPU time of the server processes that served dbt and"
        " ended with its run (the backends and their parallel workers, not the checkpointer"
        " or other background processes). DuckDB/PostgreSQL ratio of the CPU seconds:"
        f" **{figures['duckdb_to_postgres_run_cpu_ratio']}**.",
    ]


def _alert_section(alerts: dict) -> list[str]:
    match_text = "yes" if alerts["match"] else "no"
    if not alerts["match"]:
        match_text += (
            f" ({alerts['only_duckdb_count']} only on DuckDB,"
            f" {alerts['only_postgres_count']} only on PostgreSQL; the first ones are in"
            " postgres.json)"
        )
    lines = [
        "## Alerts",
        "",
        f"Compared columns: {', '.join(f'`{name}`' for name in alerts['compared_columns'])} of"
        " `alerts.alerts`, as multisets.",
        "",
        f"- DuckDB: {alerts['duckdb_count']} alerts; PostgreSQL: {alerts['postgres_count']}.",
        f"- Same alerts: **{match_text}**",
        "",
        "| rule | DuckDB | PostgreSQL |",
        "|---|---:|---:|",
    ]
    rules = sorted(set(alerts["duckdb_by_rule"]) | set(alerts["postgres_by_rule"]))
    for rule in rules:
        lines.append(
            f"| {rule} | {alerts['duckdb_by_rule'].get(rule, 0)}"
            f" | {alerts['postgres_by_rule'].get(rule, 0)} |"
        )
    return lines


def _data_test_section(data_tests: dict) -> list[str]:
    lines = [
        "## Data tests on PostgreSQL",
        "",
        f"`{data_tests['command']}` after the run: {data_tests['passed']} of"
        f" {data_tests['tests']} passed. The dbt unit tests are left out: they run on DuckDB,"
        " and some of their fixtures use DuckDB-only SQL such as range().",
    ]
    if data_tests["not_passed"]:
        lines += ["", "| test | status | message |", "|---|---|---|"]
        lines += [
            f"| {item['test']} | {item['status']} | {item['message'] or ''} |"
            for item in data_tests["not_passed"]
        ]
    return lines


def _slowest_section(duckdb: dict, postgres: dict) -> list[str]:
    lines = ["## Slowest models"]
    for name, timings in (("DuckDB", duckdb), ("PostgreSQL", postgres)):
        lines += ["", f"{name}:", "", "| model | seconds |", "|---|---:|"]
        lines += [
            f"| {entry['model']} | {entry['seconds']:.1f} |"
            for entry in timings["slowest_models"]
        ]
    return lines


def _server_section(settings: dict) -> list[str]:
    lines = [
        "## PostgreSQL server",
        "",
        "A throwaway cluster (initdb with locale C, so text sorts by byte as in DuckDB) on"
        " 127.0.0.1, started for the run and removed afterwards. Settings as the server"
        " reported them:",
        "",
        "| setting | value |",
        "|---|---|",
    ]
    lines += [
        f"| {name} | {value} |" for name, value in sorted(settings.items()) if name != "version"
    ]
    lines += ["", f"Server: {settings.get('version', 'unknown')}."]
    return lines


def _machine_section(figures: dict) -> list[str]:
    machine = figures["machine"]
    versions = {
        key: figures["versions"].get(key, "unknown")
        for key in (
            "duckdb_venv_dbt_core", "dbt_duckdb", "duckdb", "postgres_venv_dbt_core",
            "dbt_postgres", "psycopg2_binary",
        )
    }
    memory = machine["memory_bytes"]
    memory_text = f"{memory / 2**30:.1f} GiB" if memory else "unknown"
    return [
        "## Machine",
        "",
        f"- {machine['cpu_count']} cores ({machine['cpu_model']}), {memory_text} memory,"
        f" {machine['os']}, Python {machine['python_version']}.",
        f"- DuckDB side: dbt-core {versions['duckdb_venv_dbt_core']}, dbt-duckdb"
        f" {versions['dbt_duckdb']}, duckdb {versions['duckdb']}. PostgreSQL side: dbt-core"
        f" {versions['postgres_venv_dbt_core']}, dbt-postgres {versions['dbt_postgres']},"
        f" psycopg2-binary {versions['psycopg2_binary']}.",
        f"- Generating the claim files took {figures['generate_seconds']:.1f} s (not in the"
        " times above).",
    ]
