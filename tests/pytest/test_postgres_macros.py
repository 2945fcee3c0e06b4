"""The dispatched macros have a PostgreSQL spelling, and it compiles to PostgreSQL SQL.

The sibling checks read macros/*.sql and always run. The compile checks run dbt from the
PostgreSQL venv (.venv-postgres, made by make bench-postgres) against a port where no
server listens: `dbt compile --inline` with --no-populate-cache renders macros without a
connection. They skip when that venv is missing.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

MACRO_DIR = PROJECT_DIR / "macros"
POSTGRES_DBT = PROJECT_DIR / ".venv-postgres" / "bin" / "dbt"
MACRO_DEFINITION = re.compile(r"{%-?\s*macro\s+([A-Za-z0-9_]+)\s*\(")
DISPATCH_CALL = re.compile(r"adapter\.dispatch\(\s*'([A-Za-z0-9_]+)'\s*,\s*'infusion_integrity'")
# Inline SQL compiled for PostgreSQL: one line per macro, each behind a marker comment.
INLINE_PARTS = {
    "try_cast_date": "{{ try_cast_date('d') }}",
    "regex_matches": "{{ regex_matches('c', '[0-9]{3}') }}",
    "regex_replace_all": "{{ regex_replace_all('c', '[ ]+', '-') }}",
    "sorted_list": "{{ sorted_list('c') }}",
}


def defined_macros() -> dict[str, Path]:
    macros = {}
    for path in sorted(MACRO_DIR.glob("*.sql")):
        for name in MACRO_DEFINITION.findall(path.read_text(encoding="utf-8")):
            macros[name] = path
    return macros


def dispatched_names() -> set[str]:
    names = set()
    for path in sorted(MACRO_DIR.glob("*.sql")):
        names.update(DISPATCH_CALL.findall(path.read_text(encoding="utf-8")))
    return names


def test_macro_files_define_dispatched_macros() -> None:
    assert "read_claim_files" in dispatched_names()
    assert "try_cast_date" in dispatched_names()


@pytest.mark.parametrize(
    "name",
    sorted(
        name.removeprefix("duckdb__")
        for name in defined_macros()
        if name.startswith("duckdb__")
    ),
)
def test_duckdb_macro_has_postgres_sibling(name: str) -> None:
    macros = defined_macros()
    assert f"postgres__{name}" in macros or f"default__{name}" in macros, (
        f"duckdb__{name} in {macros[f'duckdb__{name}'].name} has no postgres__{name} or "
        f"default__{name}: PostgreSQL would fail to dispatch it"
    )


@pytest.mark.parametrize("name", sorted(dispatched_names()))
def test_dispatched_macro_has_implementations(name: str) -> None:
    macros = defined_macros()
    assert f"duckdb__{name}" in macros or f"default__{name}" in macros, f"no DuckDB {name}"
    assert f"postgres__{name}" in macros or f"default__{name}" in macros, f"no PostgreSQL {name}"


@pytest.fixture(scope="module")
def postgres_sql(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Compile INLINE_PARTS for the postgres target; return each part's SQL by name."""
    if not POSTGRES_DBT.exists():
        pytest.skip(f"{POSTGRES_DBT} not found: make bench-postgres installs the PostgreSQL venv")
    work_dir = tmp_path_factory.mktemp("postgres_compile")
    inline = "\n".join(
        f"-- part {name}\nselect {expression} as value" for name, expression in INLINE_PARTS.items()
    )
    environment = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
        # No server is expected on port 1, so a macro that ran a query would fail the compile.
        "INFUSION_INTEGRITY_PG_HOST": "127.0.0.1",
        "INFUSION_INTEGRITY_PG_PORT": "1",
    }
    result = subprocess.run(
        [
            str(POSTGRES_DBT), "compile",
            "--project-dir", str(PROJECT_DIR),
            "--target", "postgres",
            "--target-path", str(work_dir / "target"),
            "--log-path", str(work_dir / "logs"),
            "--no-populate-cache",
            "--no-use-colors",
            "--quiet",
            "--inline", inline,
        ],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    parts = re.split(r"^-- part ([a-z_]+)$", result.stdout, flags=re.MULTILINE)
    return {name: sql.strip() for name, sql in zip(parts[1::2], parts[2::2], strict=True)}


def test_postgres_try_cast_date_checks_calendar(postgres_sql: dict[str, str]) -> None:
    sql = postgres_sql["try_cast_date"]
    assert "try_cast" not in sql
    assert "make_date" in sql
    assert "interval '1 month'" in sql
    assert "cast(d as date)" in sql


def test_postgres_regex_matches_is_anchored(postgres_sql: dict[str, str]) -> None:
    assert postgres_sql["regex_matches"] == "select (c ~ '^(?:[0-9]{3})$') as value"


def test_postgres_regex_replace_all_is_global(postgres_sql: dict[str, str]) -> None:
    assert "regexp_replace(c, '[ ]+', '-', 'g')" in postgres_sql["regex_replace_all"]


def test_postgres_sorted_list_uses_string_agg(postgres_sql: dict[str, str]) -> None:
    sql = " ".join(postgres_sql["sorted_list"].split())
    assert "string_agg( distinct cast(c as TEXT), ', ' order by cast(c as TEXT) )" in sql

