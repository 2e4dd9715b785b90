"""The GIL is released while soastore copies or does file I/O: another Python thread keeps
running meanwhile.

A helper thread notes the time on every loop iteration. If a call held the GIL, the thread
would stall for the whole call: its longest gap would be the call's duration. With the GIL
released, its gaps stay near the interpreter's switch interval (5 ms) however long the call.
"""

import os
import sys
import threading
import time

import numpy as np
import pytest
from mpi4py import MPI

import soastore

COMM = MPI.COMM_WORLD
BIG = 10_000_000  # 80 MB of float64: calls long enough to tell the two cases apart


def longest_stall_during(operation):
    """(longest gap of a busy helper thread, duration) while `operation()` runs."""
    longest_gap = [0.0]
    stop = threading.Event()

    def note_time():
        last = time.perf_counter()
        while not stop.is_set():
            now = time.perf_counter()
            longest_gap[0] = max(longest_gap[0], now - last)
            last = now

    thread = threading.Thread(target=note_time)
    thread.start()
    try:
        time.sleep(0.01)
        longest_gap[0] = 0.0
        start = time.perf_counter()
        operation()
        duration = time.perf_counter() - start
    finally:
        stop.set()
        thread.join()
    return longest_gap[0], duration


def assert_lets_other_threads_run(operation, attempts=3):
    # Each rank runs two busy threads; when the ranks outnumber the cores the OS stalls threads
    # for reasons of its own, and the measurement means nothing.
    if (os.cpu_count() or 1) < 2 * COMM.size:
        pytest.skip(f"{COMM.size} ranks x 2 threads on {os.cpu_count()} cores")
    # A call holding the GIL stalls the thread on every attempt; other load on the machine only
    # now and then, so one clean attempt is proof.
    stalls = []
    for _ in range(attempts):
        gap, duration = longest_stall_during(operation)
        if duration < 8 * sys.getswitchinterval():
            pytest.skip(f"the call took {duration * 1e3:.1f} ms: too short to tell")
        if gap < duration / 2:
            return
        stalls.append(f"{gap * 1e3:.1f} of {duration * 1e3:.1f} ms")
    raise AssertionError("thread stalled " + ", ".join(stalls))


def test_the_check_detects_a_call_holding_the_gil():
    with pytest.raises(AssertionError, match="stalled"):
        assert_lets_other_threads_run(lambda: sum(range(10_000_000)))


def test_file_io_releases_the_gil(scratch):
    path = scratch / f"big{COMM.rank}.npz"
    data = {"a": np.ones(BIG)}
    assert_lets_other_threads_run(lambda: soastore.save_npz(path, data))
    assert_lets_other_threads_run(lambda: soastore.load_npz(path))


def test_genericio_io_releases_the_gil(scratch):
    path = scratch / "big.gio"
    data = {"a": np.ones(BIG // COMM.size)}
    assert_lets_other_threads_run(lambda: soastore.write_genericio(path, data, [1, 1, 1]))
    assert_lets_other_threads_run(lambda: soastore.read_genericio(path))


@pytest.mark.parametrize("make_store", [lambda p: soastore.NumpyStore(p), lambda p: soastore.GenericIOStore(p, 1.0)],
                         ids=["NumpyStore", "GenericIOStore"])
def test_copying_a_strided_view_releases_the_gil(partition, make_store):
    store = make_store(partition)
    view = np.ones(2 * BIG)[::2]
    assert_lets_other_threads_run(lambda: store.__setitem__("k", {"a": view}))
