"""Describe the machine and software versions a benchmark ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import duckdb
import psutil

CPUINFO_PATH = Path("/proc/cpuinfo")


def cpu_model(cpuinfo_path: Path = CPUINFO_PATH) -> str:
    """Return the first ``model name`` of /proc/cpuinfo, or platform.processor() without it."""
    try:
        text = cpuinfo_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            return value.strip()
    return platform.processor() or "unknown"


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe_machine() -> dict[str, object]:
    """Return cores, memory, CPU model, OS and the versions of Python, DuckDB and dbt."""
    return {
        "cpu_count": os.cpu_count(),
        "memory_bytes": psutil.virtual_memory().total,
        "cpu_model": cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python_version": platform.python_version(),
        "duckdb_version": duckdb.__version__,
        "dbt_core_version": _package_version("dbt-core"),
        "dbt_duckdb_version": _package_version("dbt-duckdb"),
    }


def describe_project(project_dir: Path) -> dict[str, object]:
    """Return the git commit of the project and how many files differ from it.

    Both are None when the folder is not a git work tree or git is missing.
    """
    try:
        commit = subprocess.run(
            ["git", "-C", str(project_dir), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(project_dir), "status", "--porcelain"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "uncommitted_files": None}
    return {"commit": commit, "uncommitted_files": len(status.splitlines())}
