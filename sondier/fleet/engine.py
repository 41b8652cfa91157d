"""Where the tasks run. The runner only sees a `concurrent.futures.Executor`:

- `processes`: a ProcessPoolExecutor on this machine (standard library only);
- `dask`: Dask distributed through `Client.get_executor()`, on an embedded LocalCluster (one worker
  process per job, one thread each) or on the cluster of `--scheduler tcp://host:8786`.
  Dask reschedules the task of a lost worker by itself (and gives up after
  `distributed.scheduler.allowed-failures` losses); `retries=` covers a task that raised.

A process pool has no such rescheduling: a killed worker breaks the whole pool, so the runner asks
the engine for a new pool and submits the unfinished tasks again (tasks are idempotent)."""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from sondier.errors import ConfigError
from sondier.i18n import _, ngettext

ENGINES = ("auto", "dask", "processes")
TASK_RETRIES = 2


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runner's to handle, not each worker's


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


class ProcessEngine:
    name = "processes"

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.generation = 0
        self._executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        # forkserver: workers start from a clean process, not a fork of one running a progress thread.
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_ignore_sigint)

    @property
    def executor(self) -> Executor:
        return self._executor

    def rebuild(self) -> Executor:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = self._new()
        self.generation += 1
        return self._executor

    def describe(self) -> str:
        return ngettext("a local process pool, {jobs} worker", "a local process pool, {jobs} workers",
                        self.jobs).format(jobs=self.jobs)

    def close(self, interrupted: bool = False) -> None:
        if interrupted:
            # Running scans are abandoned: their result files are written whole or not at all.
            for process in multiprocessing.active_children():
                process.terminate()
        self._executor.shutdown(wait=not interrupted, cancel_futures=True)


class DaskEngine:
    name = "dask"

    def __init__(self, jobs: int, scheduler: str | None) -> None:
        import logging

        from distributed import Client, LocalCluster

        self.generation = 0
        self.jobs, self.scheduler = jobs, scheduler
        self.cluster: Any = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="20s")
            except OSError as exc:
                raise ConfigError(_("--scheduler {address}: cannot reach the Dask scheduler ({error})").format(
                    address=scheduler, error=exc)) from None
        else:
            import dask

            # Local only: no dashboard port, the scheduler listens on the loopback interface.
            # Dask's nannies set MALLOC_TRIM_THRESHOLD_=65536 in their workers, which returns
            # memory to the system after each large free: right for long-lived numpy workers,
            # about 8 % slower for a scan's many short-lived strings (measured on histologe).
            # A worker handles one repository at a time and ends with the cluster; glibc's
            # default threshold is what the process pool runs with.
            # The statistical profiler samples each task's stack every 10 ms for a dashboard we do
            # not open, and takes the GIL from the scan each time; the memory and system monitors
            # need not wake ten times a second for tasks that run for seconds.
            # Kept for the cluster's life: a worker restarted after a loss reads it again.
            self._local_config = dask.config.set({
                "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                "distributed.worker.profile.enabled": False,
                "distributed.worker.memory.monitor-interval": "1s",
                "distributed.admin.system-monitor.interval": "2s",
            })
            self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        self._executor = self.client.get_executor(retries=TASK_RETRIES, pure=False)

    @property
    def executor(self) -> Executor:
        return self._executor

    def rebuild(self) -> Executor:
        return self._executor  # the scheduler replaces lost workers and reschedules their tasks

    def describe(self) -> str:
        if self.scheduler:
            return _("the Dask cluster at {address}").format(address=self.scheduler)
        return ngettext("an embedded Dask LocalCluster, {jobs} worker", "an embedded Dask LocalCluster, {jobs} workers",
                        self.jobs).format(jobs=self.jobs)

    def close(self, interrupted: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
            self._local_config.__exit__(None, None, None)


def make_engine(engine: str, jobs: int, scheduler: str | None) -> ProcessEngine | DaskEngine:
    if engine == "processes":
        if scheduler:
            raise ConfigError(_("--scheduler needs the dask engine (drop --engine processes)"))
        return ProcessEngine(jobs)
    if not dask_available():
        if engine == "dask" or scheduler:
            raise ConfigError(_("the dask engine needs Dask distributed: pip install 'sondier[fleet]'"))
        return ProcessEngine(jobs)
    return DaskEngine(jobs, scheduler)
