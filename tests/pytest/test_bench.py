"""Fast tests of the benchmark's pieces on tiny inputs; no dbt build runs here."""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from infusion_integrity.bench.__main__ import parse_sizes
from infusion_integrity.bench.analysis import analyse
from infusion_integrity.bench.floor import FLOOR_TABLE, run_floor_query
from infusion_integrity.bench.machine import cpu_model
from infusion_integrity.bench.report import render_report
from infusion_integrity.bench.run_results import (
    failed_nodes,
    model_seconds_by_folder,
    node_name,
    parse_run_results,
    read_model_checksums,
    read_model_folders,
    read_run_results,
    seconds_by_type,
    slowest_nodes,
)
from infusion_integrity.bench.sampling import run_measured

PROJECT_DIR = Path(__file__).resolve().parents[2]
SEEDS_DIR = PROJECT_DIR / "seeds"


def _result(unique_id: str, seconds: float, status: str = "success") -> dict:
    return {
        "unique_id": unique_id,
        "status": status,
        "execution_time": seconds,
        "timing": [
            {
                "name": "compile",
                "started_at": "2026-01-01T00:00:00.000000Z",
                "completed_at": "2026-01-01T00:00:00.250000Z",
            },
            {
                "name": "execute",
                "started_at": "2026-01-01T00:00:00.250000Z",
                "completed_at": "2026-01-01T00:00:01.750000Z",
            },
        ],
        "message": None,
    }


RUN_RESULTS = {
    "metadata": {"dbt_version": "1.11.16"},
    "elapsed_time": 12.5,
    "results": [
        _result("model.infusion_integrity.stg_medical_claim", 4.0),
        _result("model.infusion_integrity.int_claim_lines_classified", 7.5),
        _result("seed.infusion_integrity.ref_drug_admin_codes", 0.5),
        _result("test.infusion_integrity.not_null_stg_medical_claim_claim_id.1a2b3c4d5e", 1.0),
        _result("test.infusion_integrity.unique_alerts_alert_id.9f8e7d6c5b", 2.0, "fail"),
        _result("unit_test.infusion_integrity.alerts.test_hit", 0.25),
        _result("model.infusion_integrity.alerts", 0.0, "skipped"),
    ],
}


def test_node_name_per_node_type():
    assert node_name("model.infusion_integrity.stg_medical_claim") == "stg_medical_claim"
    assert node_name("seed.infusion_integrity.ref_mental_health_dx") == "ref_mental_health_dx"
    assert node_name("test.infusion_integrity.not_null_x_id.1a2b3c4d5e") == "not_null_x_id"
    assert node_name("unit_test.infusion_integrity.alerts.test_hit") == "alerts.test_hit"
    assert node_name("odd") == "odd"


def test_parse_run_results_fields():
    nodes = parse_run_results(RUN_RESULTS)
    assert len(nodes) == 7
    classified = nodes[1]
    assert classified.name == "int_claim_lines_classified"
    assert classified.type == "model"
    assert classified.status == "success"
    assert classified.seconds == 7.5
    assert classified.execute_seconds == pytest.approx(1.5)
    assert nodes[5].type == "unit_test"


def test_read_run_results_from_file(tmp_path):
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps(RUN_RESULTS), encoding="utf-8")
    assert [node.name for node in read_run_results(path)][:2] == [
        "stg_medical_claim",
        "int_claim_lines_classified",
    ]


def test_parse_run_results_without_results():
    with pytest.raises(ValueError, match="results"):
        parse_run_results({"metadata": {}})


def test_slowest_nodes_order_and_filter():
    nodes = parse_run_results(RUN_RESULTS)
    assert [node.name for node in slowest_nodes(nodes, count=3)] == [
        "int_claim_lines_classified",
        "stg_medical_claim",
        "unique_alerts_alert_id",
    ]
    models = slowest_nodes(nodes, node_type="model")
    assert [node.name for node in models] == [
        "int_claim_lines_classified",
        "stg_medical_claim",
        "alerts",
    ]


def test_seconds_by_type_and_failed_nodes():
    nodes = parse_run_results(RUN_RESULTS)
    assert seconds_by_type(nodes) == {"model": 11.5, "seed": 0.5, "test": 3.0, "unit_test": 0.25}
    assert [node.name for node in failed_nodes(nodes)] == ["unique_alerts_alert_id"]


def _command(command: str, seconds: float, peak_bytes: int) -> dict:
    nodes = [node.to_dict() for node in parse_run_results(RUN_RESULTS)]
    return {
        "command": command,
        "status": "success",
        "return_code": 0,
        "wall_seconds": seconds,
        "peak_rss_bytes": peak_bytes,
        "ru_maxrss_bytes": peak_bytes,
        "memory_samples": 10,
        "cpu_seconds": seconds * 1.5,
        "other_cpu_seconds": seconds * 0.1,
        "node_count": len(nodes),
        "failed_nodes": [],
        "seconds_by_type": {"model": 11.5, "test": 3.0},
        "slowest_nodes": sorted(nodes, key=lambda node: -node["seconds"])[:10],
        "slowest_models": [node for node in nodes if node["type"] == "model"],
        "nodes": nodes,
        "output": "dbt.out",
    }


def _run(size: int, build: float, run: float, floor: float, peak: int) -> dict:
    return {
        "size": size,
        "lines": size + 6,
        "generate_seconds": size / 400_000,
        "claim_file_bytes": size * 40,
        "database_bytes": size * 800,
        "build": _command("build", build, peak),
        "seed": {"status": "success", "return_code": 0, "wall_seconds": 4.0},
        "run": _command("run", run, peak - 50_000_000),
        "floor": {
            "status": "success",
            "return_code": 0,
            "query_seconds": floor,
            "wall_seconds": floor + 0.5,
            "peak_rss_bytes": 300_000_000,
            "ru_maxrss_bytes": 310_000_000,
            "cpu_seconds": floor * 1.8,
            "other_cpu_seconds": 0.0,
            "lines_read": size + 6,
            "encounters": size // 2,
        },
    }


def _results(runs: list[dict]) -> dict:
    results = {
        "schema_version": 1,
        "command": "python -m infusion_integrity.bench",
        "started_at": "2026-12-04T10:00:00+00:00",
        "finished_at": "2026-12-04T10:30:00+00:00",
        "settings": {"memory_limit": "4GB", "threads": 2, "seed": 1, "sizes": []},
        "machine": {
            "cpu_count": 2,
            "memory_bytes": 24 * 2**30,
            "cpu_model": "Test CPU",
            "os": "Linux test",
            "python_version": "3.11.7",
            "duckdb_version": "2.0.1",
            "dbt_core_version": "1.11.16",
            "dbt_duckdb_version": "1.11.1",
        },
        "runs": runs,
    }
    results["analysis"] = analyse(runs, 2)
    return results


RUNS_MEETING_TARGETS = [
    _run(100_000, build=30.0, run=15.0, floor=0.4, peak=600_000_000),
    _run(1_000_000, build=40.0, run=20.0, floor=3.0, peak=900_000_000),
    _run(10_000_000, build=130.0, run=80.0, floor=30.0, peak=3_500_000_000),
]


def test_analyse_figures_and_growth():
    analysis = analyse(RUNS_MEETING_TARGETS, 2)
    largest = analysis["figures"][-1]
    assert largest["build_floor_ratio"] == pytest.approx(130 / 30, abs=0.001)
    assert largest["build_peak_mb"] == 3500.0
    growth = [item for item in analysis["growth"] if item["to_size"] == 10_000_000]
    assert len(growth) == 1
    assert growth[0]["build_time_ratio"] == pytest.approx(3.25)
    assert growth[0]["build_seconds_per_added_million_lines"] == pytest.approx(10.0, abs=0.01)


def test_analyse_targets_met():
    targets = analyse(RUNS_MEETING_TARGETS, 2)["targets"]
    statuses = {target["name"]: target["status"] for target in targets}
    assert statuses == {
        "build_within_floor_ratio": "met",
        "peak_memory": "met",
        "linear_growth": "met",
        "hundred_million_lines": "not measured",
    }


def test_analyse_targets_missed():
    runs = copy.deepcopy(RUNS_MEETING_TARGETS)
    runs[2]["build"]["wall_seconds"] = 900.0
    runs[2]["build"]["cpu_seconds"] = 1350.0
    runs[2]["build"]["peak_rss_bytes"] = 4_200_000_000
    statuses = {target["name"]: target["status"] for target in analyse(runs, 2)["targets"]}
    assert statuses["build_within_floor_ratio"] == "missed"
    assert statuses["peak_memory"] == "missed"
    assert statuses["linear_growth"] == "missed"


def test_linear_growth_decided_by_cpu_time():
    runs = copy.deepcopy(RUNS_MEETING_TARGETS)
    # Wall time grows less than the lines, as when the smaller size ran on a busier machine,
    # while CPU time grows 15x for 10x the lines.
    runs[1]["build"]["cpu_seconds"] = 20.0
    runs[2]["build"]["cpu_seconds"] = 300.0
    targets = {target["name"]: target for target in analyse(runs, 2)["targets"]}
    assert targets["linear_growth"]["status"] == "missed"
    assert "15.0x build CPU time" in targets["linear_growth"]["measured"]


def test_model_growth_relative_to_median():
    runs = copy.deepcopy(RUNS_MEETING_TARGETS)
    for node in runs[2]["build"]["nodes"]:
        node["seconds"] *= 10
        if node["name"] == "stg_medical_claim":
            node["seconds"] *= 3
    growth = analyse(runs, 2)["model_growth"]
    assert [row["name"] for row in growth] == ["stg_medical_claim", "int_claim_lines_classified"]
    assert growth[0]["ratio"] == 30.0
    assert growth[0]["ratio_to_median"] == 1.5
    assert growth[1]["ratio_to_median"] == 0.5


def test_estimate_from_two_sizes():
    estimate = analyse(RUNS_MEETING_TARGETS, 2)["estimate"]
    assert estimate["is_estimate"] is True
    assert estimate["based_on_sizes"] == [1_000_000, 10_000_000]
    # 130 s at 10 M plus 10 s for each of the 90 further million lines.
    assert estimate["build_seconds"] == pytest.approx(1030.0, abs=0.5)


def test_no_estimate_from_one_size():
    assert analyse(RUNS_MEETING_TARGETS[:1], 2)["estimate"] is None


def test_report_contains_table_and_targets():
    report = render_report(_results(RUNS_MEETING_TARGETS))
    assert "| lines | generate s | build s | dbt run s | floor s |" in report
    assert "| 10,000,006 |" in report
    assert "## Targets" in report
    assert "| 10,000,000 lines: dbt build in at most 5x the floor | 4.3x" in report
    assert "**met**" in report
    assert "**not measured**" in report
    assert "Estimate, not a measurement" in report
    assert "From 1 M to 10 M lines" in report
    assert "## Slowest models at 10,000,006 lines" in report
    assert "`int_claim_lines_classified`" in report
    assert "Test CPU, 2 cores" in report
    assert "Where the time goes" not in report
    assert "## CPU time and other load" in report
    assert "**Warning:**" not in report


def test_report_warns_about_other_load():
    runs = copy.deepcopy(RUNS_MEETING_TARGETS)
    runs[1]["build"]["other_cpu_seconds"] = 40.0
    report = render_report(_results(runs))
    assert "**Warning:** other processes used up to 50%" in report
    assert "during the build at 1,000,006 lines" in report


def test_report_explains_missed_target():
    runs = copy.deepcopy(RUNS_MEETING_TARGETS)
    runs[2]["build"]["wall_seconds"] = 900.0
    runs[2]["build"]["peak_rss_bytes"] = 4_500_000_000
    report = render_report(_results(runs))
    assert "**missed**" in report
    assert "bounds its buffer manager only" in report
    assert "the dbt build peaked at 600 MB" in report
    assert "### Where the time goes" in report
    assert "`int_claim_lines_classified` (model, 7.5 s" in report


def test_report_lists_failed_command():
    runs = copy.deepcopy(RUNS_MEETING_TARGETS[:1])
    runs[0]["build"]["status"] = "failed"
    runs[0]["build"]["return_code"] = 1
    runs[0]["build"]["failed_nodes"] = [{"unique_id": "model.infusion_integrity.alerts"}]
    report = render_report(_results(runs))
    assert "**Failed commands**" in report
    assert "failed model.infusion_integrity.alerts" in report


def test_report_warns_about_changed_models():
    runs = copy.deepcopy(RUNS_MEETING_TARGETS)
    for run in runs:
        for command in ("build", "run"):
            run[command]["model_checksums"] = {"alerts": "a1", "stg_medical_claim": "b1"}
    runs[2]["run"]["model_checksums"]["stg_medical_claim"] = "b2"
    results = _results(runs)
    assert results["analysis"]["changed_models"] == ["stg_medical_claim"]
    report = render_report(results)
    assert "**Warning:** the SQL of `stg_medical_claim` changed" in report


def test_report_shows_project_commit():
    results = _results(copy.deepcopy(RUNS_MEETING_TARGETS))
    assert "| Project | git commit not recorded |" in render_report(results)
    results["project"] = {"commit": "0123456789abcdef", "uncommitted_files": 3}
    report = render_report(results)
    assert "git commit 0123456789ab with 3 uncommitted files" in report


def test_model_checksums_from_manifest(tmp_path):
    manifest = {
        "nodes": {
            "model.infusion_integrity.alerts": {
                "resource_type": "model",
                "name": "alerts",
                "checksum": {"name": "sha256", "checksum": "abc123"},
            },
            "seed.infusion_integrity.rule_catalog": {
                "resource_type": "seed",
                "name": "rule_catalog",
                "checksum": {"name": "sha256", "checksum": "def456"},
            },
        }
    }
    manifest_path = tmp_path / "manifest.json"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert read_model_checksums(manifest_path) == {"alerts": "abc123"}
    assert read_model_checksums(tmp_path / "missing.json") == {}


def test_sampler_on_sleep(tmp_path):
    measurement = run_measured(["sleep", "0.6"], output_path=tmp_path / "sleep.out")
    assert measurement.return_code == 0
    assert measurement.wall_seconds >= 0.6
    assert measurement.samples >= 3
    assert measurement.peak_rss_bytes > 0
    assert measurement.ru_maxrss_bytes > 0
    assert measurement.cpu_seconds < 0.5
    assert measurement.other_cpu_seconds >= 0.0


def test_sampler_counts_children(tmp_path):
    # The shell waits for a Python child that allocates 200 MB, which only the tree sum counts.
    child = "import time; block = bytearray(200_000_000); time.sleep(1.0)"
    measurement = run_measured(
        ["sh", "-c", f'"{sys.executable}" -c "{child}"; true'], output_path=tmp_path / "tree.out"
    )
    assert measurement.return_code == 0
    assert measurement.peak_rss_bytes >= 200_000_000
    assert measurement.ru_maxrss_bytes >= 200_000_000


def test_sampler_reports_exit_code(tmp_path):
    output_path = tmp_path / "fail.out"
    measurement = run_measured(["sh", "-c", "echo broken >&2; exit 3"], output_path=output_path)
    assert measurement.return_code == 3
    assert output_path.read_text() == "broken\n"


def test_parse_sizes():
    assert parse_sizes("100000,1_000_000") == (100_000, 1_000_000)
    with pytest.raises(argparse.ArgumentTypeError, match="invalid size"):
        parse_sizes("100000,ten")
    with pytest.raises(argparse.ArgumentTypeError, match="invalid size"):
        parse_sizes("0")


def test_cpu_model_from_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: Example CPU @ 2.0GHz\n", encoding="utf-8")
    assert cpu_model(cpuinfo) == "Example CPU @ 2.0GHz"


def test_floor_query_normalises_and_groups(tmp_path):
    claims = tmp_path / "claims"
    claims.mkdir()
    lines = {
        "person_id": ["P1", "P1", "P1", "P2"],
        "billing_npi": ["N1", "N1", "N1", "N1"],
        "claim_line_start_date": ["2025-08-01", "2025-08-01", None, "2025-08-01"],
        "claim_start_date": ["2025-08-01", "2025-08-01", "2025-08-01", "2025-08-01"],
        "hcpcs_code": ["96365-59", "j3490", " 96372 ", "99213"],
        "ndc_code": [None, "0409-4276-01", None, "N400409205301 ML2"],
        "paid_amount": ["100.00", "20.50", "-5", "80"],
        "diagnosis_code_1": ["f33.1", "F33.1", "Z00.00", "R45.851"],
        "diagnosis_code_2": [None, "I10", None, None],
    }
    table = pa.table({name: pa.array(values, pa.string()) for name, values in lines.items()})
    pq.write_table(table, claims / "medical_claim_2025_08.parquet")

    result = run_floor_query(claims, SEEDS_DIR, tmp_path / "floor.duckdb", "1GB", 1)

    assert result.lines_read == 4
    assert result.encounters == 2
    connection = duckdb.connect(str(tmp_path / "floor.duckdb"), read_only=True)
    rows = connection.execute(
        f"select person_id, claim_lines, infusion_lines, drug_lines, ndc_lines, "
        f"glued_modifier_lines, diagnosis_codes, has_mental_health_diagnosis, paid_amount "
        f"from {FLOOR_TABLE} order by person_id"
    ).fetchall()
    connection.close()
    first, second = rows
    assert first[:2] == ("P1", 3)
    assert first[2] == 1  # 96365 with the glued 59 split off is an infusion code.
    assert first[3] == 1  # J3490 upper-cased falls in the J0000-J8999 drug range.
    assert first[4] == 1  # 4-4-2 NDC padded to 11 digits.
    assert first[5] == 1
    assert first[6] == 4
    assert first[7] is True  # f33.1 normalised to F331 is core psychiatric.
    assert float(first[8]) == pytest.approx(115.5)
    assert second[0] == "P2"
    assert second[4] == 1  # the N4 paper-claim form with a unit suffix.
    assert second[7] is True  # R45851 takes the longest prefix, core psychiatric.


def test_model_seconds_by_folder(tmp_path):
    manifest = {
        "nodes": {
            "model.infusion_integrity.stg_medical_claim": {
                "resource_type": "model",
                "original_file_path": "models/staging/stg_medical_claim.sql",
            },
            "model.infusion_integrity.int_claim_lines_classified": {
                "resource_type": "model",
                "original_file_path": "models/intermediate/int_claim_lines_classified.sql",
            },
            "test.infusion_integrity.unique_alerts_alert_id.9f8e7d6c5b": {
                "resource_type": "test",
                "original_file_path": "models/marts/alerts/_alerts__models.yml",
            },
        }
    }
    manifest_path = tmp_path / "manifest.json"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    folders = read_model_folders(manifest_path)
    assert folders == {
        "model.infusion_integrity.stg_medical_claim": "models/staging",
        "model.infusion_integrity.int_claim_lines_classified": "models/intermediate",
    }
    totals = model_seconds_by_folder(parse_run_results(RUN_RESULTS), folders)
    assert list(totals) == ["models/intermediate", "models/staging", "unknown"]
    assert totals["models/intermediate"] == 7.5
    assert read_model_folders(tmp_path / "missing.json") == {}
