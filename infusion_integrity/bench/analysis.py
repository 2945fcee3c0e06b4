"""Derive ratios, growth, targets and the 100-million-line estimate from raw benchmark figures."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

BYTES_PER_MB = 1_000_000
# Targets on 2 cores and 24 GB of memory.
TARGET_SIZE = 10_000_000
MAX_BUILD_TO_FLOOR_RATIO = 5.0
# 4 GB in decimal units, as DuckDB reads a memory_limit of "4GB".
PEAK_MEMORY_LIMIT_BYTES = 4_000_000_000
GROWTH_FROM_SIZE = 1_000_000
# Linear growth allows the cost per line at TARGET_SIZE to exceed that at GROWTH_FROM_SIZE by
# 20% to cover run-to-run noise. A quadratic step would multiply it by about 10.
LINEAR_GROWTH_TOLERANCE = 1.2
ESTIMATE_SIZE = 100_000_000
# Share of the machine's CPU time that other processes may use during a measured command
# before the report warns that its wall time is inflated.
CONTENTION_WARNING_SHARE = 0.10


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def _megabytes(value: int | None) -> float | None:
    return None if value is None else round(value / BYTES_PER_MB, 1)


def _other_cpu_share(command: dict, cpu_count: int) -> float | None:
    """Return the share of all cores' time that other processes used during ``command``."""
    other = command.get("other_cpu_seconds")
    if other is None or not command.get("wall_seconds"):
        return None
    return round(other / (cpu_count * command["wall_seconds"]), 3)


def derive_size_figures(run: dict, cpu_count: int) -> dict[str, object]:
    """Return the figures of the results tables for one size."""
    lines = run["lines"]
    build_seconds = run["build"]["wall_seconds"]
    run_seconds = run["run"]["wall_seconds"]
    floor_seconds = run["floor"]["query_seconds"]
    return {
        "size": run["size"],
        "lines": lines,
        "generate_seconds": run["generate_seconds"],
        "build_seconds": build_seconds,
        "run_seconds": run_seconds,
        "floor_seconds": floor_seconds,
        "build_floor_ratio": _ratio(build_seconds, floor_seconds),
        "run_floor_ratio": _ratio(run_seconds, floor_seconds),
        "build_lines_per_second": _ratio(lines, build_seconds),
        "run_lines_per_second": _ratio(lines, run_seconds),
        "build_peak_mb": _megabytes(run["build"]["peak_rss_bytes"]),
        "run_peak_mb": _megabytes(run["run"]["peak_rss_bytes"]),
        "floor_peak_mb": _megabytes(run["floor"]["peak_rss_bytes"]),
        "build_cpu_seconds": run["build"].get("cpu_seconds"),
        "run_cpu_seconds": run["run"].get("cpu_seconds"),
        "floor_cpu_seconds": run["floor"].get("cpu_seconds"),
        # The floor process's CPU time includes starting Python and importing DuckDB, which
        # took 0.2 s of CPU on the 2-core benchmark machine.
        "build_floor_cpu_ratio": _ratio(
            run["build"].get("cpu_seconds"), run["floor"].get("cpu_seconds")
        ),
        "build_other_cpu_share": _other_cpu_share(run["build"], cpu_count),
        "run_other_cpu_share": _other_cpu_share(run["run"], cpu_count),
        "floor_other_cpu_share": _other_cpu_share(run["floor"], cpu_count),
        "succeeded": all(
            run[key]["status"] == "success" for key in ("build", "seed", "run", "floor")
        ),
    }


def growth_between(smaller: dict, larger: dict) -> dict[str, object]:
    """Compare two sizes: how many times the lines and each time grew."""
    lines_ratio = _ratio(larger["lines"], smaller["lines"])
    build_ratio = _ratio(larger["build_seconds"], smaller["build_seconds"])
    added_lines = larger["lines"] - smaller["lines"]
    return {
        "from_size": smaller["size"],
        "to_size": larger["size"],
        "from_lines": smaller["lines"],
        "to_lines": larger["lines"],
        "to_build_seconds": larger["build_seconds"],
        "lines_ratio": lines_ratio,
        "build_time_ratio": build_ratio,
        "run_time_ratio": _ratio(larger["run_seconds"], smaller["run_seconds"]),
        "floor_time_ratio": _ratio(larger["floor_seconds"], smaller["floor_seconds"]),
        "build_cpu_ratio": _ratio(larger["build_cpu_seconds"], smaller["build_cpu_seconds"]),
        "run_cpu_ratio": _ratio(larger["run_cpu_seconds"], smaller["run_cpu_seconds"]),
        "floor_cpu_ratio": _ratio(larger["floor_cpu_seconds"], smaller["floor_cpu_seconds"]),
        # Cost per line at the larger size relative to the smaller: 1.0 is exactly linear.
        "build_cost_per_line_ratio": _ratio(build_ratio, lines_ratio),
        "build_cpu_per_line_ratio": _ratio(
            _ratio(larger["build_cpu_seconds"], smaller["build_cpu_seconds"]), lines_ratio
        ),
        # Seconds each extra million lines added to the build between the two sizes.
        "build_seconds_per_added_million_lines": _ratio(
            (larger["build_seconds"] - smaller["build_seconds"]) * 1_000_000, added_lines
        ),
    }


def model_growth(
    runs: Sequence[dict], command: str = "build", count: int = 10, min_seconds: float = 5.0
) -> list[dict[str, object]]:
    """Rank models by how much faster than the median model their time grew, 1 M to 10 M.

    Dividing by the median model's growth cancels a change of machine load that slows every
    model alike, so a model well above 1.0 grows faster than the others. Models under
    ``min_seconds`` at 10 M are left out because their times are mostly noise.
    """
    by_size = {run["size"]: run for run in runs}
    if GROWTH_FROM_SIZE not in by_size or TARGET_SIZE not in by_size:
        return []

    def model_seconds(run: dict) -> dict[str, float]:
        return {
            node["name"]: node["seconds"]
            for node in run[command]["nodes"]
            if node["type"] == "model"
        }

    smaller = model_seconds(by_size[GROWTH_FROM_SIZE])
    larger = model_seconds(by_size[TARGET_SIZE])
    rows = [
        {
            "name": name,
            "from_seconds": smaller[name],
            "to_seconds": seconds,
            "ratio": seconds / smaller[name],
        }
        for name, seconds in larger.items()
        if seconds >= min_seconds and smaller.get(name)
    ]
    if not rows:
        return []
    median = statistics.median(row["ratio"] for row in rows)
    for row in rows:
        row["ratio_to_median"] = round(row["ratio"] / median, 2)
        row["ratio"] = round(row["ratio"], 2)
    return sorted(rows, key=lambda row: -row["ratio_to_median"])[:count]


def changed_models(runs: Sequence[dict]) -> list[str]:
    """Return the models whose SQL differed between the dbt commands of one benchmark run.

    Other people editing the project during a run make sizes and commands measure different
    models. Commands without recorded checksums are skipped.
    """
    checksums: dict[str, set[str]] = {}
    for run in runs:
        for command in ("build", "run"):
            for name, checksum in run[command].get("model_checksums", {}).items():
                checksums.setdefault(name, set()).add(checksum)
    return sorted(name for name, values in checksums.items() if len(values) > 1)


def _figures_at(figures: Sequence[dict], size: int) -> dict | None:
    return next((item for item in figures if item["size"] == size), None)


def estimate_hundred_million(growth: Sequence[dict]) -> dict | None:
    """Extrapolate the build time at 100 million lines from the two largest sizes below it.

    Adds, to the build time of the larger size, its seconds per added million lines times
    the lines still missing. Returns None without two measured sizes below 100 million,
    because one size cannot separate fixed costs (dbt start-up, seeds, unit tests) from the
    cost per line.
    """
    pairs = [
        item
        for item in growth
        if item["to_size"] < ESTIMATE_SIZE
        and item["build_seconds_per_added_million_lines"] is not None
        and item["build_seconds_per_added_million_lines"] > 0
    ]
    if not pairs:
        return None
    pair = max(pairs, key=lambda item: (item["to_lines"], item["from_lines"]))
    per_million = pair["build_seconds_per_added_million_lines"]
    seconds = pair["to_build_seconds"] + per_million * (ESTIMATE_SIZE - pair["to_lines"]) / 1e6
    method = (
        f"{pair['to_build_seconds']:,.0f} s at {pair['to_lines']:,} lines plus "
        f"{per_million:.2f} s per added million lines, the rate measured from "
        f"{pair['from_lines']:,} to {pair['to_lines']:,} lines"
    )
    return {
        "size": ESTIMATE_SIZE,
        "build_seconds": round(seconds, 1),
        "based_on_sizes": [pair["from_size"], pair["to_size"]],
        "method": method,
        "is_estimate": True,
    }


def _target(name: str, description: str, status: str, measured: str) -> dict[str, str]:
    return {"name": name, "description": description, "status": status, "measured": measured}


def _floor_ratio_target(at_target: dict | None) -> dict[str, str]:
    name = "build_within_floor_ratio"
    description = (
        f"{TARGET_SIZE:,} lines: dbt build in at most {MAX_BUILD_TO_FLOOR_RATIO:g}x the floor"
    )
    if at_target is None or at_target["build_floor_ratio"] is None:
        return _target(name, description, "not measured", "-")
    ratio = at_target["build_floor_ratio"]
    met = ratio <= MAX_BUILD_TO_FLOOR_RATIO and at_target["succeeded"]
    measured = (
        f"{ratio:.1f}x ({at_target['build_seconds']:,.1f} s vs "
        f"{at_target['floor_seconds']:,.1f} s); dbt run {at_target['run_floor_ratio']:.1f}x"
    )
    if at_target.get("build_floor_cpu_ratio") is not None:
        measured += f"; in CPU time {at_target['build_floor_cpu_ratio']:.1f}x"
    return _target(name, description, "met" if met else "missed", measured)


def _peak_memory_target(figures: Sequence[dict], at_target: dict | None) -> dict[str, str]:
    """Check the largest peak of dbt build and dbt run over every measured size."""
    name = "peak_memory"
    description = (
        f"peak memory of the dbt process tree under {PEAK_MEMORY_LIMIT_BYTES / 1e9:g} GB"
    )
    peaks = [
        (item[key], item["size"], label)
        for item in figures
        for key, label in (("build_peak_mb", "build"), ("run_peak_mb", "run"))
        if item[key] is not None
    ]
    if at_target is None or not peaks:
        return _target(name, description, "not measured", "-")
    peak_mb, peak_size, peak_command = max(peaks)
    met = peak_mb * BYTES_PER_MB < PEAK_MEMORY_LIMIT_BYTES
    measured = f"{peak_mb:,.0f} MB (dbt {peak_command} at {peak_size:,} lines)"
    return _target(name, description, "met" if met else "missed", measured)


def _linear_growth_target(growth: Sequence[dict]) -> dict[str, str]:
    name = "linear_growth"
    description = (
        f"cost linear in lines: build CPU time per line at {TARGET_SIZE:,} at most "
        f"{LINEAR_GROWTH_TOLERANCE:g}x that at {GROWTH_FROM_SIZE:,}"
    )
    pair = next(
        (
            item
            for item in growth
            if item["from_size"] == GROWTH_FROM_SIZE and item["to_size"] == TARGET_SIZE
        ),
        None,
    )
    if pair is None or pair["build_cost_per_line_ratio"] is None:
        return _target(name, description, "not measured", "-")
    measured = (
        f"{pair['lines_ratio']:.1f}x lines cost {pair['build_time_ratio']:.1f}x build time "
        f"(per line {pair['build_cost_per_line_ratio']:.2f}x)"
    )
    # CPU time decides when it was measured, because other processes on a shared machine
    # change wall times from one size to the next far more than CPU times.
    if pair.get("build_cpu_per_line_ratio") is not None:
        ratio = pair["build_cpu_per_line_ratio"]
        measured += f" and {pair['build_cpu_ratio']:.1f}x build CPU time (per line {ratio:.2f}x)"
    else:
        ratio = pair["build_cost_per_line_ratio"]
    status = "met" if ratio <= LINEAR_GROWTH_TOLERANCE else "missed"
    return _target(name, description, status, measured)


def _hundred_million_target(at_estimate_size: dict | None) -> dict[str, str]:
    name = "hundred_million_lines"
    description = f"{ESTIMATE_SIZE:,} lines complete without running out of memory"
    if at_estimate_size is None:
        return _target(name, description, "not measured", "-")
    measured = (
        f"dbt build {at_estimate_size['build_seconds']:,.0f} s, "
        f"peak {at_estimate_size['build_peak_mb']:,.0f} MB"
    )
    status = "met" if at_estimate_size["succeeded"] else "missed"
    return _target(name, description, status, measured)


def evaluate_targets(figures: Sequence[dict], growth: Sequence[dict]) -> list[dict[str, str]]:
    """Return each target with status ``met``, ``missed`` or ``not measured``."""
    at_target = _figures_at(figures, TARGET_SIZE)
    return [
        _floor_ratio_target(at_target),
        _peak_memory_target(figures, at_target),
        _linear_growth_target(growth),
        _hundred_million_target(_figures_at(figures, ESTIMATE_SIZE)),
    ]


def analyse(runs: Sequence[dict], cpu_count: int) -> dict[str, object]:
    """Return the derived figures, growth between consecutive sizes, targets and estimate."""
    figures = [
        derive_size_figures(run, cpu_count) for run in sorted(runs, key=lambda item: item["lines"])
    ]
    growth = [
        growth_between(smaller, larger)
        for smaller, larger in zip(figures, figures[1:], strict=False)
    ]
    # The targets compare 1 M with 10 M directly, also when a size in between was measured.
    start, end = _figures_at(figures, GROWTH_FROM_SIZE), _figures_at(figures, TARGET_SIZE)
    if start and end and not any(
        item["from_size"] == GROWTH_FROM_SIZE and item["to_size"] == TARGET_SIZE for item in growth
    ):
        growth.append(growth_between(start, end))
    return {
        "figures": figures,
        "growth": growth,
        "targets": evaluate_targets(figures, growth),
        "estimate": estimate_hundred_million(growth),
        "model_growth": model_growth(runs),
        "changed_models": changed_models(runs),
    }
