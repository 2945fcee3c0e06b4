"""Timed dbt commands: one subprocess per command, with its own target and log folders."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from infusion_integrity.bench.run_results import (
    NodeTiming,
    failed_nodes,
    model_seconds_by_folder,
    read_model_checksums,
    read_model_folders,
    read_run_results,
    seconds_by_type,
    slowest_nodes,
)
from infusion_integrity.bench.sampling import ProcessMeasurement, run_measured

logger = logging.getLogger(__name__)

DATABASE_ENV_VAR = "INFUSION_INTEGRITY_DUCKDB"
MEMORY_LIMIT_ENV_VAR = "INFUSION_INTEGRITY_MEMORY_LIMIT"
SLOWEST_NODE_COUNT = 10


@dataclass(frozen=True)
class DbtCommandResult:
    """Measurement and node timings of one dbt command."""

    command: str
    measurement: ProcessMeasurement
    nodes: list[NodeTiming]
    # Folder of each model's SQL file, by unique id.
    model_folders: dict[str, str]
    # Checksum of each model's SQL file by model name, to detect edits during a benchmark.
    model_checksums: dict[str, str]
    output_path: Path

    @property
    def succeeded(self) -> bool:
        return self.measurement.return_code == 0

    def to_dict(self) -> dict[str, object]:
        failed = failed_nodes(self.nodes)
        return {
            "command": self.command,
            "status": "success" if self.succeeded else "failed",
            "return_code": self.measurement.return_code,
            "wall_seconds": round(self.measurement.wall_seconds, 3),
            "peak_rss_bytes": self.measurement.peak_rss_bytes,
            "ru_maxrss_bytes": self.measurement.ru_maxrss_bytes,
            "memory_samples": self.measurement.samples,
            "cpu_seconds": round(self.measurement.cpu_seconds, 3),
            "other_cpu_seconds": round(self.measurement.other_cpu_seconds, 3),
            "node_count": len(self.nodes),
            "failed_nodes": [node.to_dict() for node in failed],
            "seconds_by_type": seconds_by_type(self.nodes),
            "model_seconds_by_folder": model_seconds_by_folder(self.nodes, self.model_folders),
            "slowest_nodes": [node.to_dict() for node in slowest_nodes(self.nodes)],
            "slowest_models": [
                node.to_dict() for node in slowest_nodes(self.nodes, node_type="model")
            ],
            "nodes": [node.to_dict() for node in self.nodes],
            "model_checksums": self.model_checksums,
            "output": str(self.output_path),
        }


def dbt_executable() -> Path:
    """Return the dbt next to this Python interpreter (the project's venv), else the one on PATH.

    Raises FileNotFoundError when neither exists.
    """
    beside_python = Path(sys.executable).parent / "dbt"
    if beside_python.exists():
        return beside_python
    on_path = shutil.which("dbt")
    if on_path is None:
        raise FileNotFoundError(
            f"dbt not found next to {sys.executable} or on PATH; run `make install` first."
        )
    return Path(on_path)


def dbt_command(
    subcommand: str,
    *,
    project_dir: Path,
    target_path: Path,
    log_path: Path,
    claims_path: Path,
    threads: int,
) -> list[str]:
    """Build the dbt command line that users run, with the benchmark's folders and threads."""
    return [
        str(dbt_executable()),
        subcommand,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir / "profiles"),
        "--target-path",
        str(target_path),
        "--log-path",
        str(log_path),
        "--threads",
        str(threads),
        "--no-use-colors",
        "--vars",
        json.dumps({"claims_path": str(claims_path.resolve())}),
    ]


def dbt_environment(database_path: Path, memory_limit: str) -> dict[str, str]:
    """Return this process's environment with the database file and DuckDB memory limit set."""
    environment = dict(os.environ)
    environment[DATABASE_ENV_VAR] = str(database_path.resolve())
    environment[MEMORY_LIMIT_ENV_VAR] = memory_limit
    return environment


def run_dbt_measured(
    subcommand: str,
    *,
    project_dir: Path,
    run_dir: Path,
    claims_path: Path,
    database_path: Path,
    memory_limit: str,
    threads: int,
) -> DbtCommandResult:
    """Run ``dbt <subcommand>`` in a subprocess, measuring time and memory.

    Target and log folders are ``<run_dir>/target-<subcommand>`` and
    ``<run_dir>/logs-<subcommand>``, so that each command keeps its run_results.json. A
    failed command is returned with its return code and failed nodes, not raised, so that
    the report can show it.
    """
    target_path = run_dir / f"target-{subcommand}"
    log_path = run_dir / f"logs-{subcommand}"
    output_path = run_dir / f"dbt-{subcommand}.out"
    command = dbt_command(
        subcommand,
        project_dir=project_dir,
        target_path=target_path,
        log_path=log_path,
        claims_path=claims_path,
        threads=threads,
    )
    measurement = run_measured(
        command,
        output_path=output_path,
        env=dbt_environment(database_path, memory_limit),
        cwd=project_dir,
    )
    run_results_path = target_path / "run_results.json"
    try:
        nodes = read_run_results(run_results_path)
    except FileNotFoundError:
        # dbt stops before running any node when the project does not compile.
        logger.error("dbt %s wrote no %s; see %s", subcommand, run_results_path, output_path)
        nodes = []
    if measurement.return_code != 0:
        logger.error(
            "dbt %s failed with exit code %d on %s; see %s",
            subcommand,
            measurement.return_code,
            ", ".join(node.unique_id for node in failed_nodes(nodes)) or "no listed node",
            output_path,
        )
    manifest_path = target_path / "manifest.json"
    return DbtCommandResult(
        subcommand,
        measurement,
        nodes,
        read_model_folders(manifest_path),
        read_model_checksums(manifest_path),
        output_path,
    )
