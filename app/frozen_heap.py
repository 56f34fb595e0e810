"""What a process has loaded at its start, kept out of the garbage collector's full passes."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def frozen_heap() -> Iterator[None]:
    """What is loaded by now (modules, routes, models, workflows) lives as long as the
    process: kept out of the collector's full passes, which would otherwise walk it every
    few requests and stall the request they land in (a tenth of a second and more at
    scale: of a hundred matrices in a row, those a full pass landed in took 100 to 130 ms
    against 26 for the median). Freezing and unfreezing only move lists, with no pass of
    their own (so the tests' many starts cost nothing); unfrozen at the end, so an app
    started again in this process does not pile up."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
