"""Command line: ``python -m infusion_integrity.generator --output DIR --ground-truth FILE``."""

import argparse
import logging
import time
from pathlib import Path

from infusion_integrity.generator.columns import FILE_FORMATS
from infusion_integrity.generator.sample import DEFAULT_MEMBERS, DEFAULT_SEED, generate_sample

logger = logging.getLogger("infusion_integrity.generator")


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infusion_integrity.generator",
        description=(
            "Write a deterministic synthetic claim sample: one claim file per service "
            "month, a resend file, an eligibility file and a ground-truth CSV of the "
            "alerts that the planted cases must raise."
        ),
    )
    parser.add_argument(
        "--output",
        type=Path,
        required=True,
        help="folder for the claim and eligibility files (generated files of an earlier run "
        "in it are replaced)",
    )
    parser.add_argument(
        "--ground-truth", type=Path, required=True, help="path of the ground-truth CSV to write"
    )
    parser.add_argument(
        "--members",
        type=int,
        default=DEFAULT_MEMBERS,
        help="number of background members, with about 20 claim lines each "
        f"(default {DEFAULT_MEMBERS}). Ignored when --target-lines is set.",
    )
    parser.add_argument(
        "--target-lines",
        type=int,
        default=None,
        help="approximate total number of claim lines. The member count becomes this "
        "number divided by 20.",
    )
    parser.add_argument(
        "--format", choices=FILE_FORMATS, default="csv", help="file format (default csv)"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"random seed. The same seed gives identical files (default {DEFAULT_SEED}).",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    arguments = parse_arguments(argv)
    started = time.perf_counter()
    result = generate_sample(
        arguments.output,
        arguments.ground_truth,
        seed=arguments.seed,
        members=arguments.members,
        target_lines=arguments.target_lines,
        file_format=arguments.format,
    )
    logger.info(
        "finished in %.1f s: %d files, %d claim lines, %d members, %d ground-truth rows",
        time.perf_counter() - started,
        len(result.files),
        result.claim_lines,
        result.members,
        result.ground_truth_rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
