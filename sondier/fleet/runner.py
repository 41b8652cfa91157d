"""Runs the tasks of a fleet scan on an engine and follows them; knows nothing of Dask.

Tasks are submitted to a `concurrent.futures.Executor`. A batch whose worker was lost is submitted
again (up to MAX_ATTEMPTS): a process pool breaks as a whole when one of its workers dies, and the
runner then asks its engine for a new pool. A batch that still cannot run is recorded as `?` for each
of its repositories that has no result yet, so the run always ends."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Protocol

from sondier.fleet import messages
from sondier.fleet.repolist import RepoSpec
from sondier.fleet.task import FAILED, Outcome, TaskOptions, make_record, result_path, run_task, write_json

LONG_LIST = 50  # above this, repositories travel in batches (as OpenSSF Scorecard's weekly scan does)
BATCH_SIZE = 10
MAX_ATTEMPTS = 3


class Engine(Protocol):
    name: str
    generation: int

    @property
    def executor(self) -> Any: ...

    def rebuild(self) -> Any: ...


@dataclass
class RunReport:
    outcomes: list[Outcome] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # ids recorded as '?' after repeated worker loss
    retried: int = 0
    duration: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def batches(specs: Sequence[RepoSpec], batch_size: int | None = None) -> Iterator[list[RepoSpec]]:
    size = batch_size or (BATCH_SIZE if len(specs) > LONG_LIST else 1)
    for start in range(0, len(specs), size):
        yield list(specs[start:start + size])


def _record_lost(batch: list[RepoSpec], options: TaskOptions, reason: str) -> list[str]:
    lost = []
    for spec in batch:
        path = result_path(options.results, spec)
        if path.exists():
            continue  # scanned before the worker was lost
        write_json(path, make_record(spec, options, (None, None), None, reason, None, time.perf_counter()))
        lost.append(spec.id)
    return lost


def run(specs: Sequence[RepoSpec], options: TaskOptions, engine: Engine,
        on_outcome: Callable[[Outcome], None] | None = None, batch_size: int | None = None) -> RunReport:
    report = RunReport()
    started = time.perf_counter()
    pending: dict[Future[list[Outcome]], tuple[list[RepoSpec], int, int]] = {}

    def submit(batch: list[RepoSpec], attempt: int) -> None:
        future = engine.executor.submit(run_task, batch, options)
        pending[future] = (batch, attempt, engine.generation)

    try:
        for batch in batches(specs, batch_size):
            submit(batch, 1)
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in done:
                batch, attempt, generation = pending.pop(future)
                try:
                    outcomes = future.result()
                except BrokenProcessPool:
                    if generation == engine.generation:
                        engine.rebuild()
                    outcomes = _retry_or_record(batch, attempt, options, report, submit, messages.WORKER_DIED)
                except Exception as exc:  # Dask's KilledWorker, a task that raised after its retries
                    outcomes = _retry_or_record(batch, MAX_ATTEMPTS, options, report, submit,
                                                messages.TASK_FAILED.format(error=type(exc).__name__))
                for outcome in outcomes:
                    report.outcomes.append(outcome)
                    if on_outcome:
                        on_outcome(outcome)
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    report.duration = time.perf_counter() - started
    return report


def _retry_or_record(batch: list[RepoSpec], attempt: int, options: TaskOptions, report: RunReport,
                     submit: Callable[[list[RepoSpec], int], None], why: str) -> list[Outcome]:
    if attempt < MAX_ATTEMPTS:
        report.retried += 1
        submit(batch, attempt + 1)
        return []
    reason = messages.LOST.format(why=why, attempts=attempt)  # recorded in English (see fleet.messages)
    lost = _record_lost(batch, options, reason)
    report.lost.extend(lost)
    return [Outcome(spec.id, spec.name, FAILED, "?", error=reason) for spec in batch if spec.id in lost]
