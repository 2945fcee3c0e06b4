"""Generate the synthetic sample: monthly claim files, resend, eligibility and ground truth."""

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from infusion_integrity.generator import messy
from infusion_integrity.generator.background import (
    LINES_PER_MEMBER_YEAR,
    BackgroundClaims,
    allocate_provider_pools,
)
from infusion_integrity.generator.cases import ClaimLine, PlantedCase
from infusion_integrity.generator.columns import (
    FILE_FORMATS,
    RESEND_INGEST_DATETIME,
    SERVICE_MONTHS,
    claim_file_name,
    eligibility_file_name,
    ingest_datetime,
    resend_file_name,
)
from infusion_integrity.generator.ids import IdAllocator
from infusion_integrity.generator.people import draw_members, eligibility_table
from infusion_integrity.generator.plants import (
    BACKGROUND_STREAM,
    MESSY_STREAM,
    build_planted_cases,
    stream_rng,
)
from infusion_integrity.generator.writer import (
    CLAIM_SCHEMA,
    TableFileWriter,
    claim_lines_table,
    write_ground_truth,
    write_table,
)

logger = logging.getLogger(__name__)

DEFAULT_SEED = 20261204
DEFAULT_MEMBERS = 300

# File names that earlier runs of the generator may have left in the output folder.
GENERATED_FILE_PATTERNS = (
    "medical_claim_*.csv",
    "medical_claim_*.parquet",
    "eligibility.csv",
    "eligibility.parquet",
)


@dataclass(frozen=True)
class GenerationResult:
    """Summary of one generated sample."""

    # Claim lines in all claim files, resend file included.
    claim_lines: int
    files: list[Path]
    ground_truth_rows: int
    # Members in the eligibility file: background members plus case members.
    members: int
    # Planted and messy cases, for tests that check near misses and messy data.
    cases: tuple[PlantedCase, ...]


def generate_sample(
    output_dir: Path,
    ground_truth_path: Path,
    *,
    seed: int = DEFAULT_SEED,
    members: int = DEFAULT_MEMBERS,
    target_lines: int | None = None,
    file_format: str = "csv",
) -> GenerationResult:
    """Write a deterministic synthetic claim sample into ``output_dir``.

    Writes one claim file per service month (2025-07 to 2026-06), a resend file that
    repeats some lines of the monthly files, an eligibility file and, at
    ``ground_truth_path``, one CSV row per alert that the planted cases must raise.
    Without ``target_lines`` the sample has ``members`` background members with about
    20 claim lines each. With ``target_lines``, ``members`` is ignored, the member count
    is ``target_lines / 20`` and the claim files hold about ``target_lines`` lines in
    total. Generated files of an earlier run in ``output_dir`` are removed first.
    The same arguments give byte-identical files.
    """
    _validate_arguments(members, target_lines, file_format)
    output_dir = Path(output_dir)
    ground_truth_path = Path(ground_truth_path)
    output_dir.mkdir(parents=True, exist_ok=True)
    _remove_earlier_output(output_dir)

    # Cases draw ids first so that their ids do not depend on the background size.
    ids = IdAllocator()
    cases = build_planted_cases(seed, ids)
    cases += messy.build_cases(stream_rng(seed, MESSY_STREAM), ids)
    case_lines = [line for case in cases for line in case.lines]
    resend_lines = [line for line in case_lines if line.resend]
    case_line_count = len(case_lines) + len(resend_lines)

    if target_lines is None:
        member_count = members
        background_lines = members * LINES_PER_MEMBER_YEAR
    else:
        member_count = max(1, round(target_lines / LINES_PER_MEMBER_YEAR))
        background_lines = max(0, target_lines - case_line_count)
    logger.info(
        "generating %d background lines for %d members and %d case lines from %d cases "
        "(seed %d, %s)",
        background_lines, member_count, case_line_count, len(cases), seed, file_format,
    )

    rng = stream_rng(seed, BACKGROUND_STREAM)
    background_members = draw_members(member_count, rng, ids)
    providers = allocate_provider_pools(member_count, ids)
    background = BackgroundClaims(background_members, providers, rng, ids)

    files: list[Path] = []
    claim_line_total = 0
    lines_by_month = _group_by_month(case_lines)
    for (year, month), line_quota in zip(
        SERVICE_MONTHS, _split_evenly(background_lines, len(SERVICE_MONTHS)), strict=True
    ):
        path = output_dir / claim_file_name(year, month, file_format)
        received = ingest_datetime(year, month)
        with TableFileWriter(path, CLAIM_SCHEMA, file_format) as writer:
            writer.write(claim_lines_table(lines_by_month[(year, month)], path.name, received))
            for chunk in background.month_chunks(year, month, line_quota, path.name, received):
                writer.write(chunk)
        logger.info("wrote %s: %d claim lines", path, writer.rows_written)
        files.append(path)
        claim_line_total += writer.rows_written

    resend_path = output_dir / resend_file_name(file_format)
    write_table(
        claim_lines_table(resend_lines, resend_path.name, RESEND_INGEST_DATETIME),
        resend_path,
        file_format,
    )
    logger.info("wrote %s: %d claim lines", resend_path, len(resend_lines))
    files.append(resend_path)
    claim_line_total += len(resend_lines)

    eligibility_path = output_dir / eligibility_file_name(file_format)
    case_members = [member for case in cases for member in case.members]
    eligibility = eligibility_table(case_members, background_members, eligibility_path.name)
    write_table(eligibility, eligibility_path, file_format)
    logger.info("wrote %s: %d enrolment spans", eligibility_path, eligibility.num_rows)
    files.append(eligibility_path)

    ground_truth_rows = write_ground_truth(cases, ground_truth_path)
    logger.info("wrote %s: %d expected alerts", ground_truth_path, ground_truth_rows)

    return GenerationResult(
        claim_lines=claim_line_total,
        files=sorted(files),
        ground_truth_rows=ground_truth_rows,
        members=member_count + len(case_members),
        cases=tuple(cases),
    )


def _validate_arguments(members: int, target_lines: int | None, file_format: str) -> None:
    if file_format not in FILE_FORMATS:
        raise ValueError(f"invalid file_format {file_format!r}: use 'csv' or 'parquet'")
    if target_lines is None and members < 1:
        raise ValueError(f"invalid members {members}: the sample needs at least 1 member")
    if target_lines is not None and target_lines < 0:
        raise ValueError(f"invalid target_lines {target_lines}: use 0 or more")


def _remove_earlier_output(output_dir: Path) -> None:
    earlier = sorted(
        {path for pattern in GENERATED_FILE_PATTERNS for path in output_dir.glob(pattern)}
    )
    for path in earlier:
        path.unlink()
    if earlier:
        logger.info("removed %d files of an earlier run from %s", len(earlier), output_dir)


def _group_by_month(lines: Sequence[ClaimLine]) -> defaultdict[tuple[int, int], list[ClaimLine]]:
    grouped: defaultdict[tuple[int, int], list[ClaimLine]] = defaultdict(list)
    for line in lines:
        grouped[line.service_month].append(line)
    return grouped


def _split_evenly(total: int, parts: int) -> list[int]:
    """Split ``total`` into ``parts`` integers that differ by at most one."""
    base, remainder = divmod(total, parts)
    return [base + (1 if index < remainder else 0) for index in range(parts)]
