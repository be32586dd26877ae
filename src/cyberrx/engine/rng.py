"""Keyed random streams and chunk plans: the same numbers for the same seed, however a run is split.

Every random number in cyberrx comes from a stream named by the run's ``seed`` and a *key*: a tuple of
small non-negative integers or short strings, such as ``(block,)`` or ``("fair", "Primary Loss", block)``.
The stream is ``Generator(PCG64(SeedSequence(seed, spawn_key=key)))``: it depends on the seed and the key
only, never on which process, thread or chunk asks for it, nor on what was drawn before.

A run of ``n_trials`` is cut into *blocks* of a fixed size (:data:`BLOCK_TRIALS`); block ``b`` always draws
from streams keyed with ``b``. Workers are then handed contiguous *groups* of blocks (:func:`group_blocks`);
because the block size is fixed, a run in 1 group or in 64 gives identical numbers.

>>> a = stream(7, "fair", 3).standard_normal(3)
>>> b = stream(7, "fair", 3).standard_normal(3)
>>> bool((a == b).all())
True
>>> [(blk.index, blk.start, blk.size) for blk in plan_blocks(5, block_trials=2)]
[(0, 0, 2), (1, 2, 2), (2, 4, 1)]
>>> [len(g) for g in group_blocks(plan_blocks(10, block_trials=2), 2)]
[3, 2]

Never call ``np.random.seed`` or the module-level ``np.random.*`` functions: pass a Generator.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: trials per keyed block; fixed so the answer does not depend on how blocks are grouped (65,536)
BLOCK_TRIALS = 1 << 16

Key = int | str


def key_part(part: Key) -> int:
    """One element of a stream key as a non-negative integer.

    Integers (>= 0) are used as they are; strings become a stable 32-bit number (BLAKE2b of the UTF-8
    text), the same in every process and Python version, unlike ``hash()``.

    >>> key_part(5)
    5
    >>> key_part("Primary Loss") == key_part("Primary Loss") != key_part("Secondary Loss")
    True
    """
    if isinstance(part, bool):
        raise TypeError("a stream key part must be an int or a str, not a bool")
    if isinstance(part, int | np.integer):
        if part < 0:
            raise ValueError(f"a stream key part must be >= 0, got {part}")
        return int(part)
    if isinstance(part, str):
        return int.from_bytes(hashlib.blake2b(part.encode("utf-8"), digest_size=4).digest(), "little")
    raise TypeError(f"a stream key part must be an int or a str, not {type(part).__name__}")


def stream(seed: int, *key: Key) -> np.random.Generator:
    """The random stream of ``seed`` and ``key``: ``Generator(PCG64(SeedSequence(seed, spawn_key=key)))``.

    ``stream(seed, b)`` is the same stream as ``SeedSequence(seed, spawn_key=(b,))`` used elsewhere in
    the engine. ``seed`` must be a non-negative integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    spawn_key = tuple(key_part(p) for p in key)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=spawn_key)))


#: the subject of a run that names none (a single practice's assessment): keeps the streams of ``stream(seed, *key)``
DEFAULT_SUBJECT = 0
_WORD = 1 << 32


def subject_stream(seed: int, subject: Key, *key: Key) -> np.random.Generator:
    """The random stream of ``seed``, ``subject`` and a non-empty ``key``: one stream per (seed, subject, key).

    ``subject`` names what the numbers are for within a run (a practice of a book, say), as a non-negative
    integer below 2**32 or a short string (see :func:`key_part`). The seed and the subject form the entropy in
    a fixed width, ``[seed mod 2**32, seed div 2**32, subject]`` (seed below 2**64), and ``key`` is the spawn
    key, so distinct ``(seed, subject, key)`` never share a stream.

    Numpy pads the entropy of a spawned sequence with zero words to its pool size (four words) before the
    spawn key, and a seed below 2**32 or 2**64 is one or two words, so for ``subject = 0`` the entropy is the
    one :func:`stream` gives: ``subject_stream(seed, 0, *key)`` *is* ``stream(seed, *key)`` (tested), and runs
    that name no subject keep the numbers they always had.

    >>> a = subject_stream(7, 0, 3).random(2)
    >>> bool((a == stream(7, 3).random(2)).all()), bool((a != subject_stream(7, 1, 3).random(2)).all())
    (True, True)
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < _WORD * _WORD:
        raise ValueError(f"seed must be an integer from 0 to 2**64 - 1, got {seed!r}")
    if not key:
        raise ValueError("a subject stream needs a non-empty key (the block)")
    word = key_part(subject)
    if word >= _WORD:
        raise ValueError(f"a subject must be below 2**32, got {subject!r}")
    entropy = np.array([int(seed) % _WORD, int(seed) // _WORD, word], dtype=np.uint32)
    spawn_key = tuple(key_part(p) for p in key)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy, spawn_key=spawn_key)))


@dataclass(frozen=True, slots=True)
class Block:
    """Trials ``[start, start + size)`` of a run, drawn from streams keyed with ``index``."""

    index: int
    start: int
    size: int

    @property
    def stop(self) -> int:
        """One past the last trial of the block."""
        return self.start + self.size


def plan_blocks(n_trials: int, block_trials: int = BLOCK_TRIALS) -> tuple[Block, ...]:
    """The blocks covering ``n_trials`` trials, in order; all of ``block_trials`` but the last.

    Keep ``block_trials`` at its default for anything whose result is stored: changing it changes the
    numbers (not their distribution).
    """
    if n_trials < 0:
        raise ValueError(f"n_trials must be >= 0, got {n_trials}")
    if block_trials < 1:
        raise ValueError(f"block_trials must be >= 1, got {block_trials}")
    return tuple(
        Block(b, start, min(block_trials, n_trials - start))
        for b, start in enumerate(range(0, n_trials, block_trials))
    )


def group_blocks(blocks: Sequence[Block], n_groups: int) -> list[tuple[Block, ...]]:
    """Split ``blocks`` into at most ``n_groups`` contiguous, non-empty groups of near-equal length.

    Groups are what one worker (process, thread, Dask task) simulates; results are combined in block
    order, so grouping never changes the answer.
    """
    if n_groups < 1:
        raise ValueError(f"n_groups must be >= 1, got {n_groups}")
    n = len(blocks)
    k = min(n_groups, n)
    if k == 0:
        return []
    base, extra = divmod(n, k)
    out: list[tuple[Block, ...]] = []
    start = 0
    for g in range(k):
        size = base + (1 if g < extra else 0)
        out.append(tuple(blocks[start:start + size]))
        start += size
    return out


__all__ = ["BLOCK_TRIALS", "DEFAULT_SUBJECT", "Block", "Key", "group_blocks", "key_part", "plan_blocks", "stream",
           "subject_stream"]
