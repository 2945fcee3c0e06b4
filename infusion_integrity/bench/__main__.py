"""Command line: ``python -m infusion_integrity.bench [--sizes 100000,1000000,10000000]``."""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

from infusion_integrity.bench.analysis import analyse
from infusion_integrity.bench.benchmark import PROJECT_DIR, BenchmarkSettings, run_size
from infusion_integrity.bench.machine import describe_machine, describe_project
from infusion_integrity.bench.report import render_report

logger = logging.getLogger("infusion_integrity.bench")

DEFAULT_SIZES = (100_000, 1_000_000, 10_000_000)
RESULTS_SCHEMA_VERSION = 1


def parse_sizes(text: str) -> tuple[int, ...]:
    """Parse ``100000,1000000`` into sizes, in the order given. Raises ArgumentTypeError."""
    sizes = []
    for part in text.split(","):
        part = part.strip().replace("_", "")
        if not part.isdigit() or int(part) < 1:
            raise argparse.ArgumentTypeError(
                f"invalid size {part!r}: use positive whole numbers of claim lines, "
                "for example 100000,1000000"
            )
        sizes.append(int(part))
    return tuple(sizes)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infusion_integrity.bench",
        description=(
            "Generate synthetic Parquet claims at each size, time `dbt build` and `dbt run` "
            "with their peak memory, time the floor query on the same files, and write a "
            "Markdown report and a JSON file of the figures."
        ),
    )

    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=DEFAULT_SIZES,
        help="comma-separated claim-line counts (default 100000,1000000,10000000; "
        "100000000 is supported but not run by default)",
    )

    parser.add_argument(
        "--work-dir",
        type=Path,
        default=PROJECT_DIR / "bench" / "runs",
        help="folder for generated claims, DuckDB files and dbt logs (default bench/runs)",
    )

    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep each size's claims and DuckDB files (deleted after each size by default)",
    )

    parser.add_argument(
        "--memory-limit",
        default="4GB",
        help="DuckDB memory_limit for dbt and the floor, for example 4GB (default 4GB)",
    )

    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="dbt threads (nodes run at once) and DuckDB threads of the floor query "
        "(default 2). DuckDB inside dbt uses its own default, one thread per core.",
    )

    parser.add_argument(
        "--wait-for-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each timed command, wait up to this many seconds until other processes "
        "leave the CPU less than 15%% busy (default 0: do not wait)",
    )

    parser.add_argument(
        "--render-only",
        action="store_true",
        help="run nothing: recompute the analysis from the raw figures already in --results "
        "and rewrite it and --report",
    )

    parser.add_argument(
        "--report",
        type=Path,
        default=PROJECT_DIR / "bench" / "REPORT.md",
        help="Markdown report to write (default bench/REPORT.md)",
    )

    parser.add_argument(
        "--results",
        type=Path,
        default=PROJECT_DIR / "bench" / "results.json",
        help="JSON file of the figures to write (default bench/results.json)",
    )

    arguments = parser.parse_args(argv)
    if arguments.threads < 1:
        parser.error(f"invalid --threads {arguments.threads}: use 1 or more")
    if arguments.wait_for_idle < 0:
        parser.error(f"invalid --wait-for-idle {arguments.wait_for_idle}: use 0 or more")
    return arguments


def _command_line(argv: list[str] | None) -> str:
    arguments = sys.argv[1:] if argv is None else argv
    return " ".join(["python -m infusion_integrity.bench", *map(shlex.quote, arguments)])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_outputs(results: dict, results_path: Path, report_path: Path) -> None:
    """Analyse the runs so far and write the JSON results and the Markdown report."""
    results["analysis"] = analyse(results["runs"], results["machine"]["cpu_count"] or 1)
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(render_report(results), encoding="utf-8")


def render_only(results_path: Path, report_path: Path) -> int:
    """Rewrite the analysis and the report from an earlier run's results file."""
    try:
        results = json.loads(results_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        logger.error("results file %s not found; run the benchmark first", results_path)
        return 1
    write_outputs(results, results_path, report_path)
    logger.info("rewrote %s and the analysis in %s", report_path, results_path)
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    arguments = parse_arguments(argv)
    if arguments.render_only:
        return render_only(arguments.results, arguments.report)
    settings = BenchmarkSettings(
        sizes=arguments.sizes,
        work_dir=arguments.work_dir.resolve(),
        memory_limit=arguments.memory_limit,
        threads=arguments.threads,
        keep=arguments.keep,
        idle_wait_seconds=arguments.wait_for_idle,
    )
    results: dict = {
        "schema_version": RESULTS_SCHEMA_VERSION,
        "command": _command_line(argv),
        "started_at": _now(),
        "finished_at": None,
        "settings": settings.to_dict(),
        "machine": describe_machine(),
        "project": describe_project(settings.project_dir),
        "runs": [],
    }
    for size in settings.sizes:
        settings.work_dir.mkdir(parents=True, exist_ok=True)
        free_gb = shutil.disk_usage(settings.work_dir).free / 1e9
        logger.info("size %d: starting, %.1f GB free in %s", size, free_gb, settings.work_dir)
        results["runs"].append(run_size(size, settings))
        # Written after every size so that a later failure keeps the finished sizes.
        results["finished_at"] = _now()
        write_outputs(results, arguments.results, arguments.report)

    failed = [
        f"{run['size']} {key}"
        for run in results["runs"]
        for key in ("build", "seed", "run", "floor")
        if run[key]["status"] != "success"
    ]
    logger.info("wrote %s and %s", arguments.report, arguments.results)
    if failed:
        logger.error("failed: %s; the report lists them", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
