"""Run the benchmark for each size: generate claims, time dbt build and dbt run, run the floor."""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from infusion_integrity.bench.floor import run_floor_measured
from infusion_integrity.bench.runner import run_dbt_measured
from infusion_integrity.bench.sampling import wait_for_idle_cpu
from infusion_integrity.generator import generate_sample

logger = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Fixed so that every run of the benchmark reads the same claims at a given size.
GENERATOR_SEED = 20261204


@dataclass(frozen=True)
class BenchmarkSettings:
    """Options of one benchmark run."""

    sizes: tuple[int, ...]
    work_dir: Path
    memory_limit: str
    threads: int
    keep: bool
    # Before each timed command, wait up to this long for the CPU to be idle.
    idle_wait_seconds: float = 0.0
    project_dir: Path = PROJECT_DIR
    seed: int = GENERATOR_SEED

    def to_dict(self) -> dict[str, object]:
        return {
            "sizes": list(self.sizes),
            "work_dir": str(self.work_dir),
            "memory_limit": self.memory_limit,
            "threads": self.threads,
            "keep": self.keep,
            "idle_wait_seconds": self.idle_wait_seconds,
            "seed": self.seed,
        }


def _remove_database(path: Path) -> None:
    """Remove a DuckDB file with its write-ahead log and spill folder."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)


def _folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def run_size(size: int, settings: BenchmarkSettings) -> dict[str, object]:
    """Measure one size and return its raw figures.

    Claims go to ``<work>/<size>/claims``; the dbt database is ``<work>/<size>/bench.duckdb``
    and the floor's ``<work>/<size>/floor.duckdb``. ``dbt run`` runs after ``dbt build`` on
    a new database file into which ``dbt seed`` has loaded the seeds. Unless
    ``settings.keep`` is set, claims and databases are deleted afterwards; dbt's target and
    log folders stay.
    """
    run_dir = (settings.work_dir / str(size)).resolve()
    claims_dir = run_dir / "claims"
    database_path = run_dir / "bench.duckdb"
    floor_database_path = run_dir / "floor.duckdb"
    run_dir.mkdir(parents=True, exist_ok=True)
    _remove_database(database_path)
    _remove_database(floor_database_path)

    logger.info("size %d: generating claims into %s", size, claims_dir)
    started = time.perf_counter()
    generated = generate_sample(
        claims_dir,
        run_dir / "ground_truth.csv",
        seed=settings.seed,
        target_lines=size,
        file_format="parquet",
    )
    generate_seconds = time.perf_counter() - started
    logger.info(
        "size %d: generated %d claim lines in %.1f s", size, generated.claim_lines, generate_seconds
    )

    dbt_options = {
        "project_dir": settings.project_dir,
        "run_dir": run_dir,
        "claims_path": claims_dir,
        "database_path": database_path,
        "memory_limit": settings.memory_limit,
        "threads": settings.threads,
    }
    wait_for_idle_cpu(settings.idle_wait_seconds)
    build = run_dbt_measured("build", **dbt_options)
    logger.info("size %d: dbt build took %.1f s", size, build.measurement.wall_seconds)
    database_bytes = database_path.stat().st_size if database_path.exists() else None

    # dbt run starts from a new database like the build, so that the two times compare:
    # replacing existing tables adds work. The seeds it needs are loaded first, untimed.
    _remove_database(database_path)
    seeding = run_dbt_measured("seed", **dbt_options)
    wait_for_idle_cpu(settings.idle_wait_seconds)
    run = run_dbt_measured("run", **dbt_options)
    logger.info("size %d: dbt run took %.1f s", size, run.measurement.wall_seconds)

    wait_for_idle_cpu(settings.idle_wait_seconds)
    floor_measurement, floor_result = run_floor_measured(
        claims_dir=claims_dir,
        seeds_dir=settings.project_dir / "seeds",
        database_path=floor_database_path,
        memory_limit=settings.memory_limit,
        threads=settings.threads,
        run_dir=run_dir,
    )
    if floor_result is None:
        logger.error("size %d: the floor query failed; see %s", size, run_dir / "floor.out")
    else:
        logger.info("size %d: floor query took %.1f s", size, floor_result.query_seconds)

    record: dict[str, object] = {
        "size": size,
        "lines": generated.claim_lines,
        "generate_seconds": round(generate_seconds, 3),
        "claim_file_bytes": _folder_bytes(claims_dir),
        "database_bytes": database_bytes,
        "build": build.to_dict(),
        "seed": {
            "status": "success" if seeding.succeeded else "failed",
            "return_code": seeding.measurement.return_code,
            "wall_seconds": round(seeding.measurement.wall_seconds, 3),
            "other_cpu_seconds": round(seeding.measurement.other_cpu_seconds, 3),
        },
        "run": run.to_dict(),
        "floor": {
            "status": "success" if floor_result is not None else "failed",
            "return_code": floor_measurement.return_code,
            "query_seconds": round(floor_result.query_seconds, 3) if floor_result else None,
            "wall_seconds": round(floor_measurement.wall_seconds, 3),
            "peak_rss_bytes": floor_measurement.peak_rss_bytes,
            "ru_maxrss_bytes": floor_measurement.ru_maxrss_bytes,
            "cpu_seconds": round(floor_measurement.cpu_seconds, 3),
            "other_cpu_seconds": round(floor_measurement.other_cpu_seconds, 3),
            "lines_read": floor_result.lines_read if floor_result else None,
            "encounters": floor_result.encounters if floor_result else None,
        },
    }

    if not settings.keep:
        shutil.rmtree(claims_dir, ignore_errors=True)
        (run_dir / "ground_truth.csv").unlink(missing_ok=True)
        _remove_database(database_path)
        _remove_database(floor_database_path)
    return record
