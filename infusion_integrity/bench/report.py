"""Render the benchmark results as the Markdown report page."""

from __future__ import annotations

from collections.abc import Sequence

from infusion_integrity.bench.analysis import (
    BYTES_PER_MB,
    CONTENTION_WARNING_SHARE,
    ESTIMATE_SIZE,
    GROWTH_FROM_SIZE,
    TARGET_SIZE,
)

SHARE_SHOWN_NODES = 5


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _size_label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000} M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000} k"
    return f"{size:,}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    alignment = align or "l" + "r" * (len(header) - 1)
    separator = ["---:" if code == "r" else "---" for code in alignment]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(separator) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _project_row(project: dict | None) -> list[str]:
    if not project or not project.get("commit"):
        return ["Project", "git commit not recorded"]
    return [
        "Project",
        f"git commit {project['commit'][:12]} with {project['uncommitted_files']} uncommitted "
        "files at the start",
    ]


def _machine_section(results: dict) -> list[str]:
    machine = results["machine"]
    settings = results["settings"]
    memory_gib = machine["memory_bytes"] / 2**30
    return [
        "## Machine",
        "",
        *_table(
            ["", ""],
            [
                ["CPU", f"{machine['cpu_model']}, {machine['cpu_count']} cores (os.cpu_count)"],
                ["Memory", f"{memory_gib:.1f} GiB"],
                ["OS", machine["os"]],
                [
                    "Software",
                    f"Python {machine['python_version']}, DuckDB {machine['duckdb_version']}, "
                    f"dbt-core {machine['dbt_core_version']}, "
                    f"dbt-duckdb {machine['dbt_duckdb_version']}",
                ],
                _project_row(results.get("project")),
                [
                    "Settings",
                    f"DuckDB memory_limit {settings['memory_limit']}, "
                    f"{settings['threads']} threads, generator seed {settings['seed']}",
                ],
            ],
            align="ll",
        ),
        "",
    ]


METHOD_SECTION = [
    "## What is measured",
    "",
    "- **generate**: the project generator writes the synthetic claims as Parquet. It is timed",
    "  on its own and is not part of any other figure.",
    "- **build**: `dbt build` (seeds, models, data tests and unit tests), the command users",
    "  run, in a subprocess on a new DuckDB file. Wall time from process start to exit, so it",
    "  includes dbt's start-up and parsing.",
    "- **dbt run**: `dbt run` (models only, no tests) after the build, on another new DuckDB",
    "  file into which an untimed `dbt seed` has loaded the seeds. The build time minus this",
    "  time is roughly the cost of seeds, data tests and unit tests.",
    "- **floor**: one DuckDB query over the same files, in its own process with the same memory",
    "  limit and threads: it reads the Parquet claim files as text, normalises ICD-10, HCPCS",
    "  (glued modifier split off) and NDC codes with the expressions of",
    "  `macros/normalize_codes.sql`, joins `ref_drug_admin_codes`, `ref_drug_hcpcs_ranges` and",
    "  `ref_mental_health_dx` (read from the seed CSVs) and groups lines by person, billing NPI",
    "  and service date into a table. The time is that of the query alone.",
    "- **peak MB**: the maximum, over samples every 0.2 s, of the summed resident memory (RSS)",
    "  of the process and its children, in MB of 10^6 bytes.",
    "",
]


def _results_section(results: dict) -> list[str]:
    rows = []
    for item in results["analysis"]["figures"]:
        rows.append(
            [
                f"{item['lines']:,}",
                _number(item["generate_seconds"]),
                _number(item["build_seconds"]),
                _number(item["run_seconds"]),
                _number(item["floor_seconds"]),
                _number(item["build_floor_ratio"]),
                _number(item["run_floor_ratio"]),
                _number(item["build_lines_per_second"], 0),
                _number(item["build_peak_mb"], 0),
                _number(item["run_peak_mb"], 0),
                _number(item["floor_peak_mb"], 0),
            ]
        )
    lines = [
        "## Results",
        "",
        *_table(
            [
                "lines",
                "generate s",
                "build s",
                "dbt run s",
                "floor s",
                "build / floor",
                "run / floor",
                "lines/s (build)",
                "peak MB build",
                "peak MB run",
                "peak MB floor",
            ],
            rows,
        ),
        "",
    ]
    changed = results["analysis"].get("changed_models", [])
    if changed:
        names = ", ".join(f"`{name}`" for name in changed)
        lines += [
            f"**Warning:** the SQL of {names} changed between the dbt commands of this run, so "
            "the sizes and commands did not all measure the same project.",
            "",
        ]
    failures = _failure_lines(results["runs"])
    if failures:
        lines += ["**Failed commands** (their figures are not valid measurements):", ""]
        lines += failures + [""]
    return lines


def _failure_lines(runs: Sequence[dict]) -> list[str]:
    lines = []
    for run in runs:
        for key in ("build", "run"):
            command = run[key]
            if command["status"] == "success":
                continue
            nodes = ", ".join(node["unique_id"] for node in command["failed_nodes"]) or "no node"
            lines.append(
                f"- {run['lines']:,} lines, dbt {command['command']}: exit code "
                f"{command['return_code']}, failed {nodes}."
            )
        if run["seed"]["status"] != "success":
            lines.append(
                f"- {run['lines']:,} lines, dbt seed before dbt run: exit code "
                f"{run['seed']['return_code']}."
            )
        if run["floor"]["status"] != "success":
            lines.append(
                f"- {run['lines']:,} lines, floor: exit code {run['floor']['return_code']}."
            )
    return lines


def _growth_section(results: dict) -> list[str]:
    growth = results["analysis"]["growth"]
    lines = ["## Growth", ""]
    if not growth:
        return lines + ["Only one size was measured, so there is no growth to show.", ""]
    rows = [
        [
            f"{_size_label(item['from_size'])} to {_size_label(item['to_size'])}",
            _number(item["lines_ratio"]),
            _number(item["build_time_ratio"]),
            _number(item["run_time_ratio"]),
            _number(item["floor_time_ratio"]),
            _number(item.get("build_cpu_ratio")),
            _number(item.get("run_cpu_ratio")),
            _number(item.get("floor_cpu_ratio")),
            _number(item["build_seconds_per_added_million_lines"]),
        ]
        for item in growth
    ]
    lines += _table(
        [
            "sizes",
            "lines x",
            "build time x",
            "dbt run time x",
            "floor time x",
            "build CPU x",
            "dbt run CPU x",
            "floor CPU x",
            "build s per added M lines",
        ],
        rows,
    )
    main_pair = next(
        (
            item
            for item in growth
            if item["from_size"] == GROWTH_FROM_SIZE and item["to_size"] == TARGET_SIZE
        ),
        None,
    )
    lines.append("")
    if main_pair is not None:
        lines += [
            f"From {_size_label(GROWTH_FROM_SIZE)} to {_size_label(TARGET_SIZE)} lines, "
            f"{_number(main_pair['lines_ratio'])}x the lines cost "
            f"{_number(main_pair['build_time_ratio'])}x the build time and "
            f"{_number(main_pair['run_time_ratio'])}x the `dbt run` time, and "
            f"{_number(main_pair.get('build_cpu_ratio'))}x and "
            f"{_number(main_pair.get('run_cpu_ratio'))}x their CPU time. Fixed costs (dbt "
            "start-up, seeds, unit tests) that do not grow with lines pull a ratio below the "
            "lines ratio. Other load on the machine changes wall times between sizes, so the "
            "CPU ratios are the better measure of growth here.",
            "",
        ]
    lines += _model_growth_lines(results)
    return lines


def _model_growth_lines(results: dict) -> list[str]:
    rows = [
        [
            f"`{item['name']}`",
            _number(item["from_seconds"]),
            _number(item["to_seconds"]),
            _number(item["ratio"]),
            _number(item["ratio_to_median"], 2),
        ]
        for item in results["analysis"].get("model_growth", [])
    ]
    if not rows:
        return []
    return [
        f"Models of the build whose time grew most from {_size_label(GROWTH_FROM_SIZE)} to "
        f"{_size_label(TARGET_SIZE)} lines, compared with the median model (a change of "
        "machine load slows all models alike, so a value well above 1 points to a model that "
        "grows faster than the lines):",
        "",
        *_table(
            [
                "model",
                f"s at {_size_label(GROWTH_FROM_SIZE)}",
                f"s at {_size_label(TARGET_SIZE)}",
                "time x",
                "x / median model",
            ],
            rows,
        ),
        "",
    ]


def _largest_run(results: dict) -> dict | None:
    runs = [run for run in results["runs"] if run["build"]["nodes"]]
    at_target = [run for run in runs if run["size"] == TARGET_SIZE]
    if at_target:
        return at_target[0]
    below = [run for run in runs if run["size"] < ESTIMATE_SIZE] or runs
    return max(below, key=lambda run: run["lines"]) if below else None


def _slowest_section(results: dict) -> list[str]:
    run = _largest_run(results)
    if run is None:
        return ["## Slowest models", "", "No dbt build wrote node timings.", ""]
    build = run["build"]
    total = sum(node["seconds"] for node in build["nodes"])
    rows = [
        [
            str(position),
            f"`{node['name']}`",
            _number(node["seconds"]),
            f"{100 * node['seconds'] / total:.0f}%" if total else "-",
        ]
        for position, node in enumerate(build["slowest_models"], start=1)
    ]
    by_type = ", ".join(
        f"{node_type} {seconds:,.1f} s" for node_type, seconds in build["seconds_by_type"].items()
    )
    return [
        f"## Slowest models at {run['lines']:,} lines",
        "",
        *_table(["#", "model", "seconds", "share of node time"], rows, align="rlrr"),
        "",
        f"Node time of the build by type: {by_type} (summed over {results['settings']['threads']}"
        f" dbt threads, so the total can exceed the wall time of {build['wall_seconds']:,.1f} s).",
        "",
    ]


def _where_time_goes(results: dict) -> list[str]:
    run = _largest_run(results)
    if run is None:
        return []
    build = run["build"]
    total = sum(node["seconds"] for node in build["nodes"])
    parts = [
        f"`{node['name']}` ({node['type']}, {node['seconds']:,.1f} s"
        + (f", {100 * node['seconds'] / total:.0f}% of node time)" if total else ")")
        for node in build["slowest_nodes"][:SHARE_SHOWN_NODES]
    ]

    lines = [
        "### Where the time goes",
        "",
        f"- At {run['lines']:,} lines the slowest nodes of the build are "
        + "; ".join(parts)
        + ".",
    ]
    folders = build.get("model_seconds_by_folder", {})
    if folders:
        lines.append(
            "- Model time by folder: "
            + ", ".join(f"`{folder}` {seconds:,.1f} s" for folder, seconds in folders.items())
            + "."
        )

    if run["floor"]["query_seconds"]:
        model_seconds = build["seconds_by_type"].get("model", 0.0)
        lines.append(
            f"- The models take {model_seconds:,.1f} s of node time, "
            f"{model_seconds / run['floor']['query_seconds']:,.1f}x the floor query's "
            f"{run['floor']['query_seconds']:,.1f} s."
        )

    if build.get("cpu_seconds") is not None and run["run"].get("cpu_seconds") is not None:
        extra_cpu = build["cpu_seconds"] - run["run"]["cpu_seconds"]
        lines.append(
            f"- The build uses {extra_cpu:,.1f} CPU s more than `dbt run`, roughly the cost of "
            "seeds, data tests and unit tests."
        )
    else:
        extra_seconds = build["wall_seconds"] - run["run"]["wall_seconds"]
        lines.append(
            f"- The build takes {extra_seconds:,.1f} s more than `dbt run`, roughly the cost "
            "of seeds, data tests and unit tests."
        )
    lines.append("")
    return lines


def _targets_section(results: dict) -> list[str]:
    analysis = results["analysis"]
    rows = [
        [target["description"], target["measured"], f"**{target['status']}**"]
        for target in analysis["targets"]
    ]
    lines = [
        "## Targets",
        "",
        "Targets on 2 cores and 24 GB of memory.",
        "",
        *_table(["target", "measured", "status"], rows, align="lll"),
        "",
    ]
    estimate = analysis["estimate"]
    measured_estimate_size = any(
        item["size"] == ESTIMATE_SIZE for item in analysis["figures"]
    )
    if estimate is not None and not measured_estimate_size:
        largest = max(
            (item for item in analysis["figures"] if item["size"] < ESTIMATE_SIZE),
            key=lambda item: item["lines"],
        )
        lines += [
            f"`dbt build` took {largest['build_seconds'] / 60:,.1f} minutes at "
            f"{largest['lines']:,} lines. **Estimate, not a measurement:** {ESTIMATE_SIZE:,} "
            f"lines would take about {estimate['build_seconds'] / 60:,.0f} minutes of "
            f"`dbt build` on this machine under the same load ({estimate['method']}). "
            "Whether they complete within the memory limit is not measured: run "
            f"`python -m infusion_integrity.bench --sizes {ESTIMATE_SIZE}` to measure it.",
            "",
        ]
    missed = {target["name"] for target in analysis["targets"] if target["status"] == "missed"}
    if "peak_memory" in missed:
        smallest = analysis["figures"][0]
        lines += [
            f"DuckDB's memory_limit ({results['settings']['memory_limit']}) bounds its buffer "
            "manager only (DuckDB 2.0 documentation, Operations Manual, Limits). The dbt "
            "process also contains Python, dbt and DuckDB allocations outside the buffer "
            "manager, so its resident memory peaks above the limit. At "
            f"{smallest['lines']:,} lines, where DuckDB needs little memory, the dbt build "
            f"peaked at {_number(smallest['build_peak_mb'], 0)} MB. A lower memory_limit would "
            "leave room for the rest, but that is not measured here.",
            "",
        ]
    if missed:
        lines += _where_time_goes(results)
    return lines


def _cpu_section(results: dict) -> list[str]:
    figures = results["analysis"]["figures"]
    rows = [
        [
            f"{item['lines']:,}",
            _number(item["build_cpu_seconds"]),
            _number(item["run_cpu_seconds"]),
            _number(item["floor_cpu_seconds"]),
            _number(item["build_floor_cpu_ratio"]),
            _percent(item["build_other_cpu_share"]),
            _percent(item["run_other_cpu_share"]),
            _percent(item["floor_other_cpu_share"]),
        ]
        for item in figures
    ]
    lines = [
        "## CPU time and other load",
        "",
        "CPU seconds are user plus system time of the process and its children (`os.wait4`).",
        "The floor's include starting Python, about 0.2 s. \"Other load\" is the CPU",
        "time that every other process on the machine used during the command, as a share of",
        "all cores' time (from `psutil.cpu_times`): other work on a shared machine slows the",
        "wall times, while CPU seconds change less.",
        "",
        *_table(
            [
                "lines",
                "CPU s build",
                "CPU s dbt run",
                "CPU s floor",
                "build / floor (CPU)",
                "other load build",
                "other load run",
                "other load floor",
            ],
            rows,
        ),
        "",
    ]
    shares = [
        (share, item["lines"], command)
        for item in figures
        for command in ("build", "run", "floor")
        if (share := item[f"{command}_other_cpu_share"]) is not None
    ]
    if shares and max(shares)[0] > CONTENTION_WARNING_SHARE:
        share, lines_count, command = max(shares)
        lines += [
            f"**Warning:** other processes used up to {share:.0%} of the machine's CPU time "
            f"(during the {command} at {lines_count:,} lines), so the wall times above are "
            "longer than on an idle machine.",
            "",
        ]
    return lines


def _cross_check_section(results: dict) -> list[str]:
    rows = [
        [
            f"{run['lines']:,}",
            _number(run["build"]["ru_maxrss_bytes"] / BYTES_PER_MB, 0),
            _number(run["run"]["ru_maxrss_bytes"] / BYTES_PER_MB, 0),
            _number(run["floor"]["ru_maxrss_bytes"] / BYTES_PER_MB, 0),
            _number(run["database_bytes"] / BYTES_PER_MB if run["database_bytes"] else None, 0),
            _number(run["claim_file_bytes"] / BYTES_PER_MB, 0),
        ]
        for run in sorted(results["runs"], key=lambda item: item["lines"])
    ]
    return [
        "## Memory cross-check and file sizes",
        "",
        "ru_maxrss is the kernel's maximum resident size of each process (from `os.wait4`), the",
        "largest of the process and the children it waited for. It should be close to the",
        "sampled peak; a much larger value means the sampler missed a short spike.",
        "",
        *_table(
            [
                "lines",
                "ru_maxrss MB build",
                "ru_maxrss MB run",
                "ru_maxrss MB floor",
                "DuckDB file MB",
                "claim files MB",
            ],
            rows,
        ),
        "",
    ]


def render_report(results: dict) -> str:
    """Return the Markdown report for a results document as written to results.json."""
    lines = [
        "# Benchmark",
        "",
        f"Written by `{results['command']}` (`make bench` runs the default sizes), started "
        f"{results['started_at']} and finished {results['finished_at']}. Every figure comes "
        "from that run. The JSON results file written with this page (`bench/results.json` "
        "by default) contains the same figures and the timing of every dbt node.",
        "",
    ]
    lines += _machine_section(results)
    lines += METHOD_SECTION
    lines += _results_section(results)
    lines += _cpu_section(results)
    lines += _growth_section(results)
    lines += _slowest_section(results)
    lines += _targets_section(results)
    lines += _cross_check_section(results)
    return "\n".join(lines).rstrip() + "\n"
