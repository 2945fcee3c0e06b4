"""Deterministic synthetic claims generator with planted alert cases and messy data.

Usage::

    from infusion_integrity.generator import generate_sample
    result = generate_sample(Path("sample_data/claims"), Path("sample_data/ground_truth.csv"))

or ``python -m infusion_integrity.generator --help``.
"""

from infusion_integrity.generator.sample import GenerationResult, generate_sample

__all__ = ["GenerationResult", "generate_sample"]
