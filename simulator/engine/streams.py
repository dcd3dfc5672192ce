"""Named, independent random streams for one replication.

Each random source (``arrivals``, ``reason``, ``handle_time:<reason>``, ``patience:phone``,
``redial``, ...) gets its own generator, seeded from ``(seed, replication, crc32(name))``.
Because a stream depends only on its name, two scenarios that differ in headcount draw the
very same customers (common random numbers), and replication ``r`` gives the same numbers
whatever else runs beside it. ``crc32`` and not ``hash()``: ``hash`` of a string changes
between Python processes.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from itertools import chain

import numpy as np

from simulator.engine.samplers import UNIFORM01_ARGS, fill_block, sampler_args

BLOCK = 2048
"""Draws per refill: large enough to amortise the call into numba, small enough to be cheap
for streams that are barely used."""

Draw = Callable[[], float]


def stream_seed(seed: int, replication: int, name: str) -> np.random.SeedSequence:
    """The seed sequence of stream ``name``; stable across processes and Python versions."""
    return np.random.SeedSequence([seed, replication, zlib.crc32(name.encode("utf-8"))])


def _blocks(gen: np.random.Generator, args: tuple, block: int) -> Iterator[float]:
    """Draws one by one, refilled a block at a time.

    ``chain`` walks each block's list in C, which is about twice as fast per draw as a generator's
    ``yield from``.
    """
    buf = np.empty(block)

    def refills() -> Iterator[list[float]]:
        while True:
            fill_block(gen, *args, buf)
            # Python floats: the model does scalar arithmetic, where numpy scalars are slow.
            yield buf.tolist()

    return chain.from_iterable(refills())


class Streams:
    """The random streams of one replication, created on first use.

    ``draw = streams.sampler("handle_time:billing", dist)`` returns a zero-argument callable
    (an iterator's ``__next__``): the cheapest call Python offers for the hot path.
    """

    def __init__(self, seed: int, replication: int, block: int = BLOCK) -> None:
        self.seed = seed
        self.replication = replication
        self.block = block
        self._names: set[str] = set()

    def generator(self, name: str) -> np.random.Generator:
        """A fresh numpy Generator for stream ``name``; each name may be taken once."""
        if name in self._names:
            raise ValueError(f"random stream {name!r} is already in use in this replication")
        self._names.add(name)
        return np.random.Generator(np.random.PCG64(stream_seed(self.seed, self.replication, name)))

    def uniform(self, name: str) -> Draw:
        """Uniform(0, 1) draws of stream ``name``."""
        return _blocks(self.generator(name), UNIFORM01_ARGS, self.block).__next__

    def sampler(self, name: str, distribution) -> Draw:
        """Draws of ``distribution`` (a validated ``config.Distribution``) from stream ``name``."""
        args = sampler_args(distribution.kind, distribution.params)
        return _blocks(self.generator(name), args, self.block).__next__

    def blocks(self, name: str, args: tuple) -> Iterator[np.ndarray]:
        """Whole blocks (numpy arrays) of stream ``name``, for vectorised consumers."""
        gen = self.generator(name)
        while True:
            buf = np.empty(self.block)
            fill_block(gen, *args, buf)
            yield buf
