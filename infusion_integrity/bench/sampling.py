"""Run a command in a subprocess and measure its wall time and peak resident memory."""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

logger = logging.getLogger(__name__)

SAMPLE_INTERVAL_SECONDS = 0.2


@dataclass(frozen=True)
class ProcessMeasurement:
    """Wall time, memory and exit code of one finished subprocess."""

    wall_seconds: float
    # Maximum over all samples of the summed RSS of the process and its descendants.
    peak_rss_bytes: int
    samples: int
    # The kernel's maximum RSS for the process, from os.wait4: the larger of its own peak
    # and that of the largest descendant it waited for. A cross-check of peak_rss_bytes.
    ru_maxrss_bytes: int
    # User plus system CPU time of the process and the descendants it waited for.
    cpu_seconds: float
    # CPU time that every other process on the machine used meanwhile. Well above zero
    # means other work competed for the cores and inflated wall_seconds.
    other_cpu_seconds: float
    return_code: int


class ProcessTreeSampler:
    """Sample the summed RSS of a process and its descendants on a background thread.

    Summing RSS counts pages shared between processes once per process, so the figure is an
    upper bound when the tree has several processes. dbt runs its nodes on threads of one
    process, so for dbt the tree is usually one process.
    """

    def __init__(self, pid: int, interval_seconds: float = SAMPLE_INTERVAL_SECONDS) -> None:
        self.pid = pid
        self.interval_seconds = interval_seconds
        self.peak_rss_bytes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rss-sampler-{pid}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def sample_once(self) -> int:
        """Return the summed RSS of the tree now, 0 when the process has gone."""
        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            return 0
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                # A child that exits between listing and reading no longer uses memory.
                continue
        return total

    def _run(self) -> None:
        while True:
            rss = self.sample_once()
            self.samples += 1
            self.peak_rss_bytes = max(self.peak_rss_bytes, rss)
            if self._stop.wait(self.interval_seconds):
                return


def wait_for_idle_cpu(
    max_wait_seconds: float, busy_share: float = 0.15, window_seconds: float = 5.0
) -> float:
    """Wait until the machine's CPU use over one window is below ``busy_share``.

    Gives up after ``max_wait_seconds`` (0 does not wait). Returns the seconds waited.
    Other processes cannot be stopped from starting later, so the measurement records the
    CPU time they used as well.
    """
    started = time.monotonic()
    while time.monotonic() - started < max_wait_seconds:
        share = psutil.cpu_percent(interval=window_seconds) / 100
        if share < busy_share:
            break
        logger.info("waiting for other processes: CPU %.0f%% busy", 100 * share)
    return time.monotonic() - started


def _busy_cpu_seconds() -> float:
    """Return the machine's CPU time spent outside idle and I/O wait, summed over cores."""
    times = psutil.cpu_times()
    # On Linux, guest time is already part of user time, so it is not added again.
    fields = ("user", "nice", "system", "irq", "softirq")
    return sum(getattr(times, field, 0.0) for field in fields)


def run_measured(
    command: Sequence[str],
    *,
    output_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    interval_seconds: float = SAMPLE_INTERVAL_SECONDS,
) -> ProcessMeasurement:
    """Run ``command`` to completion, writing its stdout and stderr to ``output_path``.

    The wall time runs from just before the process starts until it has been reaped. The
    process is reaped with os.wait4 so that its own rusage is read, not the cumulative
    figure that getrusage(RUSAGE_CHILDREN) returns for every child run so far.
    """
    output_path.parent.mkdir(parents=True, exist_ok=True)
    logger.info("running %s", " ".join(command))
    with output_path.open("wb") as output:
        busy_before = _busy_cpu_seconds()
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        sampler = ProcessTreeSampler(process.pid, interval_seconds)
        sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            process.kill()
            process.wait()
            sampler.stop()
            raise
        wall_seconds = time.perf_counter() - started
        busy_seconds = _busy_cpu_seconds() - busy_before
        sampler.stop()
    # Popen did not reap the process itself, so tell it the exit code.
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu_seconds = usage.ru_utime + usage.ru_stime
    return ProcessMeasurement(
        wall_seconds=wall_seconds,
        peak_rss_bytes=sampler.peak_rss_bytes,
        samples=sampler.samples,
        # Linux reports ru_maxrss in kilobytes.
        ru_maxrss_bytes=usage.ru_maxrss * 1024,
        cpu_seconds=cpu_seconds,
        # The sampler thread of this process is counted as other work. A sample took about
        # 5 ms on the 2-core benchmark machine, so sampling every 0.2 s costs about 2.5% of a core.
        other_cpu_seconds=max(0.0, busy_seconds - cpu_seconds),
        return_code=process.returncode,
    )
