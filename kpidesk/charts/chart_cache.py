"""Charts already drawn, kept in memory, so a second preview or a save after a preview draws none again.

An entry is found by a hash of the whole chart job (kind, data, size, resolution, language and format:
the data carries the period, the person, their template's lines and every label) together with the
scope of the person who asked (their role, their own employee record, their departments). People who
may see different things never share an entry, even when two charts happen to hold the same data.
The cache lives in memory only: a copy on disk would leak an encrypted database's contents into plain
files.

A process drawing for one person at a time says so with :func:`serving`; :func:`kpidesk.charts.pool.
render_charts` then looks each chart up first and keeps what it draws.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


def job_digest(job: Any) -> str:
    """A hash of everything a chart job holds (pickled: its data classes compare by their contents)."""
    return hashlib.sha256(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


class ChartCache:
    """Chart images by (scope, job digest), the least recently used dropped beyond ``capacity``."""

    def __init__(self, capacity: int = 256) -> None:
        self.capacity = capacity
        self.drawn = 0  # images stored after a miss: how many charts this cache could not spare
        self.reused = 0
        self._images: OrderedDict[tuple[Hashable, str], bytes] = OrderedDict()
        self._drawing: tuple[Any, Any] | None = None

    def drawing_caches(self) -> tuple[Any, Any]:
        """The figures and frames kept for drawing what is not here yet, so the next person's history and
        radar are drawn over the frames of the last one's. A frame is found by its own description
        (axes, periods, criteria), which only data its viewer was given can produce: it needs no scope."""
        if self._drawing is None:
            from kpidesk.charts.frame_cache import FrameCache
            from kpidesk.charts.render import FigureCache

            self._drawing = (FigureCache(), FrameCache())
        return self._drawing

    def get(self, scope: Hashable, job: Any) -> bytes | None:
        key = (scope, job_digest(job))
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
            self.reused += 1
        return image

    def put(self, scope: Hashable, job: Any, image: bytes) -> None:
        self._images[(scope, job_digest(job))] = image
        self.drawn += 1
        while len(self._images) > self.capacity:
            self._images.popitem(last=False)

    def clear(self) -> None:
        self._images.clear()
        self._drawing = None

    def __len__(self) -> int:
        return len(self._images)


@dataclass(frozen=True)
class ScopedCache:
    """The cache as one person sees it."""

    cache: ChartCache
    scope: Hashable

    def get(self, job: Any) -> bytes | None:
        return self.cache.get(self.scope, job)

    def put(self, job: Any, image: bytes) -> None:
        self.cache.put(self.scope, job, image)


_serving: ContextVar[ScopedCache | None] = ContextVar("kpidesk_chart_cache", default=None)


@contextmanager
def serving(cache: ChartCache, scope: Hashable) -> Iterator[ScopedCache]:
    """Charts drawn inside the block are looked up in, and kept in, ``cache`` under ``scope``."""
    scoped = ScopedCache(cache, scope)
    token = _serving.set(scoped)
    try:
        yield scoped
    finally:
        _serving.reset(token)


def active() -> ScopedCache | None:
    """The cache charts drawn now go through, if a caller set one with :func:`serving`."""
    return _serving.get()
