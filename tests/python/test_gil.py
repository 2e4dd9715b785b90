"""The GIL is released while soastore copies or does file I/O: another Python thread keeps
running meanwhile.

A helper thread naps for half a millisecond at a time and notes the time whenever it wakes. The
switch interval is raised to 30 s meanwhile, so the helper can get the GIL during a call only if
the call releases it: a call that holds the GIL throughout sees no wake-up at all (the helper
never even asks it to switch; test_the_check_detects_a_call_holding_the_gil checks that). With the
GIL released the helper wakes all through the call, unless the machine is so loaded that it is
not scheduled for a while. An attempt is clean on a rank if the helper woke at least MIN_WAKES
times and never missed more than half of the call, which a call holding the GIL can never be.
Every operation runs a few times in a row per attempt, so that a stall of the helper (tens of
milliseconds when the ranks outnumber the cores) is short against the attempt.

Some operations are collective, so the ranks decide together: after every attempt they all learn
whether each rank has had a clean attempt, and all try again until every rank has, at most
ATTEMPTS times. Then the test fails; it never skips.
"""

import sys
import threading
import time

import numpy as np
import pytest
from mpi4py import MPI

import soastore

COMM = MPI.COMM_WORLD
BIG = 10_000_000  # 80 MB of float64 per rank: calls of 5-20 ms here when the machine is idle
ATTEMPTS = 8
MIN_WAKES = 3
HELPER_NAP = 0.0005  # seconds between the helper's wake-ups


def measure(operation, repeat=1):
    """(wake-ups of the helper while `operation()` runs `repeat` times in a row, longest stretch
    without one, duration)."""
    wakes = []
    stop = threading.Event()

    def note_time():
        while not stop.is_set():
            wakes.append(time.perf_counter())
            time.sleep(HELPER_NAP)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(30.0)
    thread = threading.Thread(target=note_time)
    thread.start()
    try:
        time.sleep(0.01)
        start = time.perf_counter()
        for _ in range(repeat):
            result = operation()  # frees the previous result (the GIL held for a moment)
        end = time.perf_counter()
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(interval)
    del result
    points = [start] + [t for t in wakes if start < t < end] + [end]
    longest = max(b - a for a, b in zip(points, points[1:]))
    return len(points) - 2, longest, end - start


def clean(wakes, longest, duration):
    return wakes >= MIN_WAKES and longest <= duration / 2


def describe(wakes, longest, duration):
    return f"{wakes} wake-ups, longest stretch {longest * 1e3:.1f} of {duration * 1e3:.1f} ms"


def assert_lets_other_threads_run(operation, repeat=4, attempts=ATTEMPTS):
    """Fails (on every rank) unless each rank had a clean attempt. Every rank runs `operation`
    the same number of times: whether to go on is decided together, after each attempt."""
    done = False  # this rank had a clean attempt
    log = []
    for _ in range(attempts):
        error = None
        try:
            measurement = measure(operation, repeat)
        except Exception as raised:  # the other ranks must learn of it, or they would wait
            error = raised
        else:
            log.append(describe(*measurement))
            done = done or clean(*measurement)
        outcomes = COMM.allgather((None if error is None else repr(error), done))
        if error is not None:
            raise error
        errors = {rank: text for rank, (text, _) in enumerate(outcomes) if text is not None}
        if errors:
            raise AssertionError(f"the operation raised on other ranks: {errors}")
        if all(rank_done for _, rank_done in outcomes):
            return
    logs = COMM.allgather(None if done else log)
    raise AssertionError("the helper thread stalled on every attempt: " +
                         "; ".join(f"rank {rank}: {', '.join(log)}" for rank, log in enumerate(logs) if log))


def test_the_check_detects_a_call_holding_the_gil():
    hold = lambda: sum(range(BIG))  # a C loop that never lets the GIL go
    with pytest.raises(AssertionError, match="stalled on every attempt"):
        assert_lets_other_threads_run(hold, repeat=1, attempts=2)
    # Letting the GIL go for a moment only is not enough either: the helper misses the rest.
    with pytest.raises(AssertionError, match="stalled on every attempt"):
        assert_lets_other_threads_run(lambda: (time.sleep(0.01), hold()), repeat=1, attempts=2)
    # Last, as it is this rank's alone: a failure here leaves no collective call unmatched.
    wakes, longest, duration = measure(hold)
    assert wakes == 0 and longest == duration


def test_the_check_passes_a_call_releasing_the_gil():
    assert_lets_other_threads_run(lambda: time.sleep(0.1), repeat=1)


def test_npz_io_releases_the_gil(scratch):
    path = scratch / f"big{COMM.rank}.npz"
    data = {"a": np.ones(BIG)}
    assert_lets_other_threads_run(lambda: soastore.save_npz(path, data))
    assert_lets_other_threads_run(lambda: soastore.load_npz(path))


def test_genericio_io_releases_the_gil(scratch):
    path = scratch / "big.gio"
    data = {"a": np.ones(BIG)}  # BIG rows on every rank: the reads stay long on 4 ranks
    assert_lets_other_threads_run(lambda: soastore.write_genericio(path, data, [1, 1, 1]))
    assert_lets_other_threads_run(lambda: soastore.read_genericio(path))
    assert_lets_other_threads_run(lambda: soastore.read_genericio(path, ["a"], redistribute=False))


STORES = {
    "NumpyStore": lambda partition, path: soastore.NumpyStore(partition, path),
    "GenericIOStore": lambda partition, path: soastore.GenericIOStore(partition, 1.0, path),
}


@pytest.mark.parametrize("make_store", STORES.values(), ids=STORES.keys())
def test_copying_a_strided_view_releases_the_gil(partition, make_store):
    with make_store(partition, None) as store:
        view = np.ones(2 * BIG)[::2]
        assert_lets_other_threads_run(lambda: store.__setitem__("k", {"a": view}))


@pytest.mark.parametrize("make_store", STORES.values(), ids=STORES.keys())
def test_store_file_io_releases_the_gil(partition, scratch, make_store):
    with make_store(partition, scratch / "store") as store:
        data = {"a": np.ones(BIG), "b": np.ones(BIG, dtype=np.int8)}
        assert_lets_other_threads_run(lambda: store.__setitem__("k", data))
        # A NumpyStore on disk returns a lazy NpzValue: reading its array is the get (memory-
        # mapped, so quick: more repeats). The value is returned to outlive the array's read.
        assert_lets_other_threads_run(lambda: (lambda value: (value, value["a"]))(store["k"]), repeat=16)
        assert_lets_other_threads_run(lambda: store.get_field("k", "a"))
