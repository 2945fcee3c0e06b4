"""Tests of the `infusion-integrity` command line. dbt itself is replaced by a stub here."""

import os
import re
import sys
import types
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from infusion_integrity import cli, dbt_runner
from infusion_integrity.summary import build_summary, format_summary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "validation"
MESSY_FINDING = (
    "medical_claim_validation_messy.csv row 2: claim_start_date '03/15/2026'"
    " is not an ISO 8601 date (YYYY-MM-DD)"
)

SUMMARY_TABLES_SQL = """
create schema staging;
create schema intermediate;
create table staging.base_medical_claim_in_scope as select range as row_id from range(6);
create table staging.stg_medical_claim as select range as row_id from range(3);
create table staging.rejected_claim_lines as
    select * from (values ('invalid_date'), ('invalid_date'), ('missing_person_id'))
    as rejects(reject_reason_code);
create table intermediate.int_claim_lines_deduplicated as
    select * from (values (1), (2), (3)) as lines(duplicate_count);
create table intermediate.int_claim_versions as
    select * from (values ('final'), ('final'), ('superseded')) as versions(version_status);
create table staging.stg_medical_claim_warnings as
    select * from (values ('units_not_whole'), ('ndc_invalid'), ('ndc_invalid'))
    as warnings(warning_code);
"""

ALERTS_TABLE_SQL = """
create schema alerts;
create table alerts.alerts as
    select * from (values
        ('ketamine_infusion_mental_health', 'ketamine_mh_dx', 1200.50::decimal(18, 2)),
        ('ketamine_infusion_mental_health', 'ketamine_mh_dx', 99.50::decimal(18, 2)),
        ('iv_infusion_mental_health', 'iv_no_medication', 170.40::decimal(18, 2))
    ) as alerts(rule_id, reason_code, amount_at_risk);
"""


def create_build_database(path: Path, with_alerts: bool = True) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(SUMMARY_TABLES_SQL)
        if with_alerts:
            connection.execute(ALERTS_TABLE_SQL)
    return path


def run_cli(*args: str) -> int:
    return cli.main(list(args))


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("generate", "--ground-truth"),
        ("validate", "--claims-path"),
        ("build", "--skip-validation"),
        ("summary", "--database"),
    ],
)
def test_subcommand_help(capsys, command, option):
    with pytest.raises(SystemExit) as exited:
        run_cli(command, "--help")

    assert exited.value.code == 0
    output = capsys.readouterr().out
    assert f"usage: infusion-integrity {command}" in output
    assert option in output


def test_top_level_help_lists_subcommands(capsys):
    with pytest.raises(SystemExit) as exited:
        run_cli("--help")

    assert exited.value.code == 0
    output = capsys.readouterr().out
    for command in ("generate", "validate", "build", "summary"):
        assert command in output


def test_missing_subcommand_is_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        run_cli()

    assert exited.value.code == 2


def test_validate_strict_fails_on_findings(capsys):
    exit_code = run_cli("validate", "--claims-path", str(FIXTURES / "messy"), "--strict")

    captured = capsys.readouterr()
    assert exit_code == 1
    assert MESSY_FINDING in captured.out.splitlines()
    assert "10 finding(s)" in captured.out
    assert "--strict" in captured.err


def test_validate_without_strict_passes(capsys):
    exit_code = run_cli("validate", "--claims-path", str(FIXTURES / "messy"))

    captured = capsys.readouterr()
    assert exit_code == 0
    assert MESSY_FINDING in captured.out.splitlines()


def test_validate_clean_folder(capsys):
    exit_code = run_cli("validate", "--claims-path", str(FIXTURES / "clean"), "--strict")

    captured = capsys.readouterr()
    assert exit_code == 0
    assert "0 finding(s)" in captured.out


def test_validate_missing_folder_is_usage_error(capsys, tmp_path):
    missing = tmp_path / "no_such_folder"

    exit_code = run_cli("validate", "--claims-path", str(missing))

    captured = capsys.readouterr()
    assert exit_code == 2
    assert "Claims folder not found" in captured.err
    assert str(missing) in captured.err


def test_validate_caps_printed_findings(capsys, tmp_path):
    rows = "".join(f"CLM-{index:03d},x{index},P-0001,2026-01-01\n" for index in range(60))
    (tmp_path / "medical_claim_many.csv").write_text(
        "claim_id,claim_line_number,person_id,claim_start_date\n" + rows, encoding="utf-8"
    )

    exit_code = run_cli("validate", "--claims-path", str(tmp_path))

    lines = capsys.readouterr().out.splitlines()
    assert exit_code == 0
    assert len([line for line in lines if " row " in line]) == cli.MAX_FINDINGS_SHOWN
    assert "... and 10 more finding(s) not shown" in lines


def test_summary_prints_counts(capsys, tmp_path):
    database = create_build_database(tmp_path / "build.duckdb")

    exit_code = run_cli("summary", "--database", str(database))

    output = capsys.readouterr().out
    assert exit_code == 0
    assert re.search(r"rows read\s+6$", output, re.MULTILINE)
    assert re.search(r"rows staged\s+3$", output, re.MULTILINE)
    assert re.search(r"rows rejected\s+3$", output, re.MULTILINE)
    assert re.search(r"invalid_date\s+2$", output, re.MULTILINE)
    assert re.search(r"missing_person_id\s+1$", output, re.MULTILINE)
    assert re.search(r"duplicate rows collapsed\s+3$", output, re.MULTILINE)
    assert re.search(r"final\s+2$", output, re.MULTILINE)
    assert re.search(r"superseded\s+1$", output, re.MULTILINE)
    assert re.search(
        r"ketamine_infusion_mental_health\s+ketamine_mh_dx\s+2\s+\$1,300\.00$",
        output,
        re.MULTILINE,
    )
    assert re.search(r"total\s+3\s+\$1,470\.40$", output, re.MULTILINE)
    assert "\x1b[" not in output


def test_summary_without_alerts_table(capsys, tmp_path):
    database = create_build_database(tmp_path / "build.duckdb", with_alerts=False)

    exit_code = run_cli("summary", "--database", str(database))

    output = capsys.readouterr().out
    assert exit_code == 0
    assert "no alerts table yet" in output
    assert re.search(r"rows read\s+6$", output, re.MULTILINE)


def test_summary_reads_database_env_var(capsys, monkeypatch, tmp_path):
    database = create_build_database(tmp_path / "from_env.duckdb")
    monkeypatch.setenv(cli.DATABASE_ENV_VAR, str(database))

    exit_code = run_cli("summary")

    output = capsys.readouterr().out
    assert exit_code == 0
    assert str(database) in output


def test_summary_missing_database(capsys, tmp_path):
    exit_code = run_cli("summary", "--database", str(tmp_path / "missing.duckdb"))

    captured = capsys.readouterr()
    assert exit_code == 2
    assert "Database file not found" in captured.err


def test_summary_database_without_build(capsys, tmp_path):
    database = tmp_path / "empty.duckdb"
    duckdb.connect(str(database)).close()

    exit_code = run_cli("summary", "--database", str(database))

    captured = capsys.readouterr()
    assert exit_code == 2
    assert "staging.base_medical_claim_in_scope" in captured.err


def test_build_summary_values(tmp_path):
    summary = build_summary(create_build_database(tmp_path / "build.duckdb"))

    assert summary.rows_read == 6
    assert summary.rows_staged == 3
    assert summary.rows_rejected == 3
    assert summary.rejected_by_reason == {"invalid_date": 2, "missing_person_id": 1}
    assert summary.duplicate_rows_collapsed == 3
    assert summary.versions_by_status == {"final": 2, "superseded": 1}
    assert summary.alerts is not None
    amounts = {(group.rule_id, group.alert_count): group.amount_at_risk for group in summary.alerts}
    assert amounts[("ketamine_infusion_mental_health", 2)] == Decimal("1300.00")
    assert amounts[("iv_infusion_mental_health", 1)] == Decimal("170.40")


def test_format_summary_empty_alerts(tmp_path):
    database = create_build_database(tmp_path / "build.duckdb")
    with duckdb.connect(str(database)) as connection:
        connection.execute("delete from alerts.alerts")

    text = format_summary(build_summary(database))

    assert "no alerts\n" in text


def test_build_runs_dbt_then_summary(capsys, monkeypatch, tmp_path):
    calls = []

    def fake_run_dbt(args, project_dir, claims_path, database_path, extra_vars=None):
        calls.append((args, project_dir, claims_path, database_path))
        create_build_database(database_path)

    monkeypatch.setattr(dbt_runner, "run_dbt", fake_run_dbt)
    database = tmp_path / "build.duckdb"

    exit_code = run_cli(
        "build", "--claims-path", str(FIXTURES / "clean"), "--database", str(database)
    )

    captured = capsys.readouterr()
    assert exit_code == 0
    assert len(calls) == 1
    args, project_dir, claims_path, database_path = calls[0]
    assert args == ["build"]
    assert (project_dir / "dbt_project.yml").is_file()
    assert claims_path == FIXTURES / "clean"
    assert database_path == database
    assert re.search(r"rows read\s+6$", captured.out, re.MULTILINE)


def test_build_strict_stops_before_dbt(capsys, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(dbt_runner, "run_dbt", lambda *args: calls.append(args))

    exit_code = run_cli(
        "build",
        "--claims-path",
        str(FIXTURES / "messy"),
        "--database",
        str(tmp_path / "build.duckdb"),
        "--strict",
    )

    captured = capsys.readouterr()
    assert exit_code == 1
    assert calls == []
    assert MESSY_FINDING in captured.err
    assert captured.out == ""


def test_build_dbt_failure_exits_1(capsys, monkeypatch, tmp_path):
    def failing_run_dbt(*args):
        raise RuntimeError("dbt build failed on 1 node(s): model.infusion_integrity.x")

    monkeypatch.setattr(dbt_runner, "run_dbt", failing_run_dbt)

    exit_code = run_cli(
        "build",
        "--claims-path",
        str(FIXTURES / "clean"),
        "--database",
        str(tmp_path / "build.duckdb"),
        "--skip-validation",
    )

    captured = capsys.readouterr()
    assert exit_code == 1
    assert "model.infusion_integrity.x" in captured.err


def test_build_missing_claims_folder(capsys, tmp_path):
    exit_code = run_cli("build", "--claims-path", str(tmp_path / "none"), "--skip-validation")

    assert exit_code == 2
    assert "Claims folder not found" in capsys.readouterr().err


def test_build_strict_skip_conflict(capsys):
    with pytest.raises(SystemExit) as exited:
        run_cli("build", "--strict", "--skip-validation")

    assert exited.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_generate_passes_options(monkeypatch, tmp_path):
    calls = []
    generator = types.ModuleType("infusion_integrity.generator")

    def fake_generate_sample(*args, **kwargs):
        calls.append((args, kwargs))
        return SimpleNamespace(claim_lines=12, files=[Path("a.csv")], ground_truth_rows=2)

    generator.generate_sample = fake_generate_sample
    monkeypatch.setitem(sys.modules, "infusion_integrity.generator", generator)

    exit_code = run_cli(
        "generate",
        "--output",
        str(tmp_path / "claims"),
        "--ground-truth",
        str(tmp_path / "truth.csv"),
        "--members",
        "40",
        "--format",
        "parquet",
        "--seed",
        "7",
    )

    assert exit_code == 0
    assert calls == [
        (
            (tmp_path / "claims", tmp_path / "truth.csv"),
            {"seed": 7, "members": 40, "file_format": "parquet"},
        )
    ]


def test_generate_rejects_zero_members(capsys, tmp_path):
    with pytest.raises(SystemExit) as exited:
        run_cli("generate", "--output", str(tmp_path), "--ground-truth", "t.csv", "--members", "0")

    assert exited.value.code == 2
    assert "--members" in capsys.readouterr().err


def test_dbt_failure_message_names_nodes():
    failed = SimpleNamespace(
        status="error",
        message="Runtime Error in model\n  Conversion Error: invalid date",
        node=SimpleNamespace(unique_id="model.infusion_integrity.stg_medical_claim_parsed"),
    )
    skipped = SimpleNamespace(status="skipped", message=None, node=SimpleNamespace(unique_id="m"))
    passed = SimpleNamespace(status="pass", message=None, node=SimpleNamespace(unique_id="t"))
    result = SimpleNamespace(
        success=False, exception=None, result=SimpleNamespace(results=[passed, failed, skipped])
    )

    message = dbt_runner.describe_failure(["build"], result, Path("/project/logs/dbt.log"))

    assert "dbt build failed on 1 node(s)" in message
    assert "model.infusion_integrity.stg_medical_claim_parsed (error)" in message
    assert "Conversion Error: invalid date" in message
    assert "1 downstream node(s) were skipped" in message
    assert "/project/logs/dbt.log" in message


def test_dbt_failure_message_shows_exception():
    result = SimpleNamespace(success=False, exception=ValueError("Compilation Error"), result=None)

    message = dbt_runner.describe_failure(["build"], result, Path("dbt.log"))

    assert message == "dbt build stopped with an error: Compilation Error"


class RecordingRunner:
    """Stand-in for dbtRunner that records the arguments and the database variable."""

    calls: list[tuple[list[str], str | None]] = []
    success = True

    def invoke(self, args):
        RecordingRunner.calls.append((args, os.environ.get(cli.DATABASE_ENV_VAR)))
        return SimpleNamespace(
            success=RecordingRunner.success, exception=RuntimeError("boom"), result=None
        )


def test_run_dbt_passes_absolute_paths(monkeypatch, tmp_path):
    monkeypatch.setattr(dbt_runner, "dbtRunner", RecordingRunner)
    monkeypatch.setattr(RecordingRunner, "calls", [])
    monkeypatch.setenv(cli.DATABASE_ENV_VAR, "before.duckdb")
    monkeypatch.chdir(tmp_path)

    dbt_runner.run_dbt(["build"], tmp_path, Path("claims"), Path("out.duckdb"))

    args, database_during_run = RecordingRunner.calls[0]
    assert args[0] == "build"
    assert args[args.index("--project-dir") + 1] == str(tmp_path.resolve())
    assert args[args.index("--profiles-dir") + 1] == str(tmp_path.resolve() / "profiles")
    claims_var = args[args.index("--vars") + 1]
    assert claims_var == '{"claims_path": "' + str(tmp_path.resolve() / "claims") + '"}'
    assert database_during_run == str(tmp_path.resolve() / "out.duckdb")
    assert os.environ[cli.DATABASE_ENV_VAR] == "before.duckdb"


def test_run_dbt_raises_on_failure(monkeypatch, tmp_path):
    monkeypatch.setattr(dbt_runner, "dbtRunner", RecordingRunner)
    monkeypatch.setattr(RecordingRunner, "calls", [])
    monkeypatch.setattr(RecordingRunner, "success", False)

    with pytest.raises(RuntimeError, match="dbt build stopped with an error: boom"):
        dbt_runner.run_dbt(["build"], tmp_path, None, None)
    args, _ = RecordingRunner.calls[0]
    assert "--vars" not in args


def test_build_incremental_passes_var(monkeypatch, tmp_path):
    received = {}

    def fake_run_dbt(args, project_dir, claims_path, database_path, extra_vars=None):
        received["extra_vars"] = extra_vars
        create_build_database(database_path)

    monkeypatch.setattr(dbt_runner, "run_dbt", fake_run_dbt)
    database = tmp_path / "build.duckdb"

    exit_code = run_cli(
        "build",
        "--claims-path",
        str(FIXTURES / "clean"),
        "--database",
        str(database),
        "--incremental",
    )

    assert exit_code == 0
    assert received["extra_vars"] == {"incremental_run": True}


def test_summary_lists_staging_warnings(capsys, tmp_path):
    database = tmp_path / "build.duckdb"
    create_build_database(database)

    exit_code = run_cli("summary", "--database", str(database))

    output = capsys.readouterr().out
    assert exit_code == 0
    assert re.search(r"staging warnings +3", output)
    assert re.search(r"ndc_invalid +2", output)
    assert re.search(r"units_not_whole +1", output)
