"""Shared fixtures: one dbt build per data set for the whole test session.

Each dbt invocation costs a few seconds of start-up, so tests share these builds and read
the resulting DuckDB file read-only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
SAMPLE_CLAIMS = PROJECT_DIR / "sample_data" / "claims"
SAMPLE_GROUND_TRUTH = PROJECT_DIR / "sample_data" / "ground_truth.csv"
# Real claim files written by other people live beside the repository, never inside it.
REALDATA_DIR = Path(
    os.environ.get("INFUSION_INTEGRITY_REALDATA", PROJECT_DIR.parent / "shared" / "realdata")
)
TUVA_2023 = REALDATA_DIR / "tuva_demo_2023"


def dbt_executable() -> Path:
    return Path(sys.executable).parent / "dbt"


def run_dbt(
    args: list[str], work_dir: Path, database: Path, dbt_vars: dict[str, object] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one dbt command against its own DuckDB file and target folder."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
        "INFUSION_INTEGRITY_DUCKDB": str(database),
    }
    command = [
        str(dbt_executable()),
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    if dbt_vars:
        command += ["--vars", repr_vars(dbt_vars)]
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)


def repr_vars(dbt_vars: dict[str, object]) -> str:
    """Format vars as the JSON-compatible YAML dbt's --vars accepts."""
    import json

    return json.dumps(dbt_vars)


def build(work_dir: Path, claims_path: Path, extra_vars: dict[str, object] | None = None) -> Path:
    """Run `dbt build` on a claims folder and return the DuckDB file; fail with dbt's output."""
    database = work_dir / "infusion_integrity.duckdb"
    result = run_dbt(
        ["build"], work_dir, database, {"claims_path": str(claims_path), **(extra_vars or {})}
    )
    if result.returncode != 0:
        failed = [line for line in result.stdout.splitlines() if "ERROR" in line or "FAIL" in line]
        pytest.fail(
            f"dbt build on {claims_path} failed (exit {result.returncode}):\n"
            + "\n".join(failed[-40:])
            + "\n--- last lines ---\n"
            + "\n".join(result.stdout.splitlines()[-30:])
        )
    return database


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole project built on the bundled synthetic sample."""
    return build(tmp_path_factory.mktemp("sample_build"), SAMPLE_CLAIMS)


@pytest.fixture(scope="session")
def tuva_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole project built on the Tuva demo claims of 2023 (skipped when absent)."""
    if not (TUVA_2023 / "medical_claim.csv").exists():
        pytest.skip(
            f"real claim files not found at {TUVA_2023}; they live in ../shared/realdata "
            "beside the repository and are not shipped with it"
        )
    return build(tmp_path_factory.mktemp("tuva_build"), TUVA_2023)


def query(database: Path, sql: str) -> list[tuple]:
    """Run one read-only query against a built DuckDB file."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql(sql).fetchall()
