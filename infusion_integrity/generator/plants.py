"""Registry of planted-case modules.

A plant module defines the cases of one or more rules and exposes
``build_cases(rng, ids) -> list[PlantedCase]`` (see ``cases.py``). To plant cases for a
new rule, write a module like ``plants_mental_health`` and append it to
``PLANT_MODULES``. Appending keeps the ids of the earlier modules' cases unchanged.
"""

from types import ModuleType

import numpy as np

from infusion_integrity.generator import (
    plants_home_infusion,
    plants_mental_health,
    plants_unbundling,
)
from infusion_integrity.generator.cases import PlantedCase
from infusion_integrity.generator.ids import IdAllocator

PLANT_MODULES: tuple[ModuleType, ...] = (
    plants_mental_health,
    plants_unbundling,
    plants_home_infusion,
)

# Random streams, one per purpose. Adding cases leaves the background's random draws
# unchanged, though its ids shift because cases draw ids first.
PLANT_STREAM = 1
MESSY_STREAM = 2
BACKGROUND_STREAM = 3


def stream_rng(seed: int, stream: int, index: int = 0) -> np.random.Generator:
    """Return the random generator of one stream, derived from the sample seed."""
    return np.random.default_rng([seed, stream, index])


def build_planted_cases(seed: int, ids: IdAllocator) -> list[PlantedCase]:
    """Build the cases of every plant module in registry order."""
    cases: list[PlantedCase] = []
    for index, module in enumerate(PLANT_MODULES):
        cases.extend(module.build_cases(stream_rng(seed, PLANT_STREAM, index), ids))
    return cases
