"""Read per-node timings from the run_results.json that a dbt command writes to its target path."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

# Node statuses that mean the node did not do its work. "warn" is a passing data test with
# warnings, and "skipped" follows from a failed parent, which is listed itself.
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})


@dataclass(frozen=True)
class NodeTiming:
    """One node of a dbt run: a model, seed, data test or unit test."""

    name: str
    # The first part of the unique id: model, seed, test, unit_test, snapshot.
    type: str
    unique_id: str
    status: str
    # dbt's execution_time: compile and execute together.
    seconds: float
    execute_seconds: float | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def node_name(unique_id: str) -> str:
    """Return the readable name of a node from its unique id.

    ``model.pkg.stg_x`` -> ``stg_x``; ``test.pkg.not_null_stg_x_id.1a2b3c4d5e`` ->
    ``not_null_stg_x_id``; ``unit_test.pkg.alerts.test_hit`` -> ``alerts.test_hit``.
    """
    parts = unique_id.split(".")
    if len(parts) < 3:
        return unique_id
    if parts[0] == "unit_test":
        return ".".join(parts[2:])
    return parts[2]


def _phase_seconds(timing: Iterable[dict[str, object]], phase: str) -> float | None:
    for entry in timing:
        if entry.get("name") != phase:
            continue
        started, completed = entry.get("started_at"), entry.get("completed_at")
        if not isinstance(started, str) or not isinstance(completed, str):
            return None
        delta = datetime.fromisoformat(completed.replace("Z", "+00:00")) - datetime.fromisoformat(
            started.replace("Z", "+00:00")
        )
        return delta.total_seconds()
    return None


def parse_run_results(document: dict[str, object]) -> list[NodeTiming]:
    """Turn a parsed run_results.json into node timings, in the order dbt listed them.

    Raises ValueError when the document has no ``results`` list.
    """
    results = document.get("results")
    if not isinstance(results, list):
        raise ValueError("invalid run_results.json: missing the 'results' list")
    nodes = []
    for result in results:
        unique_id = str(result["unique_id"])
        nodes.append(
            NodeTiming(
                name=node_name(unique_id),
                type=unique_id.split(".", 1)[0],
                unique_id=unique_id,
                status=str(result.get("status")),
                seconds=float(result.get("execution_time") or 0.0),
                execute_seconds=_phase_seconds(result.get("timing") or [], "execute"),
            )
        )
    return nodes


def read_run_results(path: Path) -> list[NodeTiming]:
    """Read and parse ``path``. Raises FileNotFoundError when dbt wrote no results."""
    with path.open(encoding="utf-8") as handle:
        return parse_run_results(json.load(handle))


def slowest_nodes(
    nodes: Iterable[NodeTiming], count: int = 10, node_type: str | None = None
) -> list[NodeTiming]:
    """Return the ``count`` slowest nodes, of one type when ``node_type`` is given."""
    selected = [node for node in nodes if node_type is None or node.type == node_type]
    return sorted(selected, key=lambda node: (-node.seconds, node.unique_id))[:count]


def seconds_by_type(nodes: Iterable[NodeTiming]) -> dict[str, float]:
    """Sum node seconds per node type. With several dbt threads the sum exceeds wall time."""
    totals: defaultdict[str, float] = defaultdict(float)
    for node in nodes:
        totals[node.type] += node.seconds
    return {node_type: round(seconds, 3) for node_type, seconds in sorted(totals.items())}


def read_model_checksums(manifest_path: Path) -> dict[str, str]:
    """Map each model's name to the checksum of its SQL file, from dbt's manifest.json.

    Returns an empty mapping when the manifest is missing, as after a compilation error.
    """
    try:
        with manifest_path.open(encoding="utf-8") as handle:
            manifest = json.load(handle)
    except FileNotFoundError:
        return {}
    return {
        str(node["name"]): str(node.get("checksum", {}).get("checksum", ""))
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model"
    }


def read_model_folders(manifest_path: Path) -> dict[str, str]:
    """Map each model's unique id to the folder of its SQL file, from dbt's manifest.json.

    Returns an empty mapping when the manifest is missing, as after a compilation error.
    """
    try:
        with manifest_path.open(encoding="utf-8") as handle:
            manifest = json.load(handle)
    except FileNotFoundError:
        return {}
    return {
        unique_id: str(Path(node["original_file_path"]).parent)
        for unique_id, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") == "model" and node.get("original_file_path")
    }


def model_seconds_by_folder(
    nodes: Iterable[NodeTiming], model_folders: dict[str, str]
) -> dict[str, float]:
    """Sum model seconds per model folder, slowest folder first."""
    totals: defaultdict[str, float] = defaultdict(float)
    for node in nodes:
        if node.type == "model":
            totals[model_folders.get(node.unique_id, "unknown")] += node.seconds
    ordered = sorted(totals.items(), key=lambda item: -item[1])
    return {folder: round(seconds, 3) for folder, seconds in ordered}


def failed_nodes(nodes: Iterable[NodeTiming]) -> list[NodeTiming]:
    return [node for node in nodes if node.status in FAILED_STATUSES]
