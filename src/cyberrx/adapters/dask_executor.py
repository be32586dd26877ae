"""The Dask executor: the engine's :class:`~cyberrx.engine.executors.Executor` over a ``distributed`` cluster.

``DaskExecutor()`` starts a ``LocalCluster(host="127.0.0.1", dashboard_address=None)`` of ``workers`` processes
(one thread each) on first use and closes it on ``close()``; ``DaskExecutor(scheduler="tcp://HOST:8786")``
connects to a running cluster instead (and leaves it running). ``map`` submits each task (``pure=False``) with a
bounded number in flight and yields results in the order of the arguments, so the kernel combines them exactly as
on the serial executor: same seed, same answer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeVar

R = TypeVar("R")


class DaskExecutor:
    """Tasks on Dask workers; results in argument order. ``in_flight``: tasks submitted ahead of the one awaited
    (default 4 per worker), which bounds the memory of results waiting to be combined."""

    shares_memory = False

    def __init__(self, scheduler: str | None = None, *, workers: int = 2, in_flight: int | None = None,
                 timeout_s: float = 60.0) -> None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a positive integer, got {workers!r}")
        self.scheduler = scheduler
        self.workers = workers
        self._in_flight = in_flight
        self.timeout_s = timeout_s
        self._client: Any = None
        self._cluster: Any = None

    def _start(self) -> Any:
        from distributed import Client, LocalCluster  # imported on first use: the CLI starts without it

        if self.scheduler:
            self._client = Client(self.scheduler, timeout=self.timeout_s)
            self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))
        else:
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         host="127.0.0.1", dashboard_address=None)
            self._client = Client(self._cluster, timeout=self.timeout_s)
        return self._client

    @property
    def in_flight(self) -> int:
        return self._in_flight if self._in_flight is not None else 4 * self.workers

    def map(self, fn: Callable[..., R], args: Iterable[tuple[Any, ...]]) -> Iterator[R]:
        client = self._client if self._client is not None else self._start()
        return self._ordered(client, fn, iter(args))

    def _ordered(self, client: Any, fn: Callable[..., R], args: Iterator[tuple[Any, ...]]) -> Iterator[R]:
        pending: deque[Any] = deque()
        try:
            for a in args:
                pending.append(client.submit(fn, *a, pure=False))
                if len(pending) > self.in_flight:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """Close the client, and the local cluster if this executor started it."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.scheduler or f"LocalCluster({self.workers})"
        return f"DaskExecutor({where})"


__all__ = ["DaskExecutor"]
