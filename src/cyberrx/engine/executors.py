"""Executors: how the pure kernel is mapped over groups of blocks, chosen at the edge, never inside a model.

An :class:`Executor` has one operation, ``map(fn, args)``: call ``fn(*a)`` for every tuple ``a`` of ``args``
and yield the results *in the order of* ``args``, whatever order the workers finish in. It is a context
manager: the edge that builds one owns its workers (``with ProcessPoolExecutor(2) as ex: ...``); the kernel
only maps through it, so one pool can serve many runs (every practice of a book). Because each block draws
from its own keyed stream and results are combined in block order, every executor gives the same answer.

==================== ========= ============== ====================================================
executor             workers   shares_memory  notes
==================== ========= ============== ====================================================
SerialExecutor       1         yes            in this thread; lazy (one group at a time)
ThreadPoolExecutor   n         yes            numpy releases the GIL while drawing and summing
ProcessPoolExecutor  n         no             ``fn`` and its arguments must pickle (module-level)
==================== ========= ============== ====================================================

``workers`` tells the kernel how finely to split a run; ``shares_memory`` whether a worker may write into an
array the caller passed (threads) or must return what it computed (processes, a cluster). A Dask executor is
an adapter with the same two attributes whose ``map`` submits to a ``distributed.Client`` and yields the
futures' results in order; nothing in the engine changes for it.

>>> with SerialExecutor() as ex:
...     list(ex.map(pow, [(2, 3), (3, 2)]))
[8, 9]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from concurrent.futures import Executor as _FuturesExecutor
    from concurrent.futures import Future
    from types import TracebackType

R = TypeVar("R")


@runtime_checkable
class Executor(Protocol):
    """Maps a function over argument tuples, yielding results in order; a context manager that closes."""

    #: how many tasks can run at once (the kernel splits a run into a few groups per worker)
    workers: int
    #: whether a task can write into arrays the caller passed (same address space)
    shares_memory: bool

    def map(self, fn: Callable[..., R], args: Iterable[tuple[Any, ...]]) -> Iterator[R]:
        """``fn(*a)`` for each ``a`` in ``args``, yielded in the order of ``args``."""
        ...

    def close(self) -> None:
        """Release the workers (what leaving the ``with`` block does)."""
        ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...


class SerialExecutor:
    """Runs every task in the calling thread, one at a time and only as its result is asked for."""

    workers = 1
    shares_memory = True

    def map(self, fn: Callable[..., R], args: Iterable[tuple[Any, ...]]) -> Iterator[R]:
        return (fn(*a) for a in args)

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return "SerialExecutor()"


class _PoolExecutor:
    """A ``concurrent.futures`` pool started on first use, with a bounded number of tasks in flight."""

    shares_memory: bool

    def __init__(self, workers: int, *, in_flight: int | None = None) -> None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a positive integer, got {workers!r}")
        self.workers = workers
        #: tasks submitted ahead of the one whose result is awaited (bounds the memory of finished results)
        self.in_flight = in_flight if in_flight is not None else 2 * workers
        self._pool: _FuturesExecutor | None = None

    def _start(self) -> _FuturesExecutor:
        raise NotImplementedError

    def map(self, fn: Callable[..., R], args: Iterable[tuple[Any, ...]]) -> Iterator[R]:
        if self._pool is None:
            self._pool = self._start()
        return self._ordered(self._pool, fn, iter(args))

    def _ordered(self, pool: _FuturesExecutor, fn: Callable[..., R],
                 args: Iterator[tuple[Any, ...]]) -> Iterator[R]:
        pending: deque[Future[R]] = deque()
        try:
            for a in args:
                pending.append(pool.submit(fn, *a))
                if len(pending) > self.in_flight:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:   # the caller stopped early or a task failed: drop what is queued
                future.cancel()

    def close(self) -> None:
        """Stop the workers (waiting for running tasks); the executor can be used again after."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> _PoolExecutor:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.workers})"


class ProcessPoolExecutor(_PoolExecutor):
    """``workers`` processes (``concurrent.futures.ProcessPoolExecutor``, started on first ``map``)."""

    shares_memory = False

    def _start(self) -> _FuturesExecutor:
        # imported here: a run that never maps over processes never loads multiprocessing
        from concurrent.futures import ProcessPoolExecutor as _Pool

        return _Pool(max_workers=self.workers)


class ThreadPoolExecutor(_PoolExecutor):
    """``workers`` threads (``concurrent.futures.ThreadPoolExecutor``, started on first ``map``)."""

    shares_memory = True

    def _start(self) -> _FuturesExecutor:
        from concurrent.futures import ThreadPoolExecutor as _Pool

        return _Pool(max_workers=self.workers)


def executor_for(workers: int, kind: str = "process") -> SerialExecutor | ProcessPoolExecutor | ThreadPoolExecutor:
    """The executor an edge builds from a ``workers`` count: serial for 1, else a pool of ``kind``
    (``process`` or ``thread``)."""
    if workers <= 1:
        return SerialExecutor()
    if kind == "process":
        return ProcessPoolExecutor(workers)
    if kind == "thread":
        return ThreadPoolExecutor(workers)
    raise ValueError(f"executor kind must be 'process' or 'thread', got {kind!r}")


__all__ = ["Executor", "ProcessPoolExecutor", "SerialExecutor", "ThreadPoolExecutor", "executor_for"]
