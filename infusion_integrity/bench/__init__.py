"""Benchmark: time the full dbt build on synthetic claims and compare it with a DuckDB floor.

Run ``python -m infusion_integrity.bench --help`` (or ``make bench``). For each size it
generates Parquet claims, runs ``dbt build`` and ``dbt run`` in subprocesses while sampling
their memory, runs one DuckDB query that does the minimum work (the floor) on the same
files, and writes ``bench/REPORT.md`` and ``bench/results.json``.
"""
