"""memory_budget and memory_limit from Python: the keyword and its environment variable, what the
store keeps in memory and spills (stats()), MemoryLimitError, and a failed spill (a full tmpfs)
that keeps its value and warns once with soastore.StoreWarning."""

import gc
import os
import subprocess
import warnings
import weakref

import numpy as np
import pytest
from mpi4py import MPI

import soastore
from conftest import assert_soa_equal

COMM = MPI.COMM_WORLD
STORES = {
    "genericio": lambda p, path, **kw: soastore.GenericIOStore(p, 1.0, path, **kw),
    "numpy": lambda p, path, **kw: soastore.NumpyStore(p, path, **kw),
}
STATS = {"bytes_in_memory", "keys_in_memory", "bytes_on_disk", "keys_on_disk", "peak_bytes_in_memory", "spills",
         "spill_failures", "disk_reads", "bytes_written", "bytes_read", "seconds_writing", "seconds_reading"}


def value(seed, rows=1000):
    return {"a": np.arange(rows, dtype=np.float64) + 1000 * seed + COMM.rank, "b": np.full(rows, seed, np.int64)}


VALUE_BYTES = 16 * 1000


@pytest.mark.parametrize("kind", sorted(STORES))
def test_what_fits_stays_in_memory_and_the_rest_spills(kind, partition, scratch):
    store = STORES[kind](partition, scratch / "b", memory_budget=3 * VALUE_BYTES)
    assert store.settings["memory_budget"] == 3 * VALUE_BYTES and store.settings["spill_target"] == 0.8
    for step in range(6):
        store[step] = value(step)
        store.flush()
    stats = store.stats()
    assert set(stats) == STATS
    assert stats["keys_in_memory"] + stats["keys_on_disk"] == 6
    assert stats["bytes_in_memory"] <= 3 * VALUE_BYTES
    assert stats["spills"] == stats["keys_on_disk"] > 0
    for step in range(6):  # the pipeline's pattern: each field of each step once
        np.testing.assert_array_equal(store.get_field(step, "a")["a"], value(step)["a"])
        np.testing.assert_array_equal(store[step]["b"], value(step)["b"])
    assert store.stats()["disk_reads"] >= stats["keys_on_disk"]
    store.close()
    COMM.Barrier()
    assert list(scratch.iterdir()) == []


def test_the_environment_sets_a_budget_for_drop_in_users(partition, scratch, monkeypatch):
    monkeypatch.setenv("SOASTORE_MEMORY_BUDGET", "4GiB")
    store = soastore.GenericIOStore(partition, 1.0, scratch / "env")  # the reference's three arguments
    assert store.settings["memory_budget"] == 4 << 30
    store[499] = value(1)
    assert store.stats()["keys_in_memory"] == 1 and list(scratch.iterdir()) == []
    store.close()
    monkeypatch.setenv("SOASTORE_MEMORY_BUDGET", "25%")
    assert soastore.NumpyStore(partition, scratch / "env").settings["memory_budget"] == 0.25


@pytest.mark.parametrize("given, settled", [("2MiB", 2 << 20), (4096, 4096), (0.5, 0.5), ("50%", 0.5), ("none", None)])
def test_the_keyword_takes_bytes_or_a_fraction(partition, scratch, given, settled):
    assert soastore.NumpyStore(partition, scratch / "k", memory_budget=given).settings["memory_budget"] == settled


@pytest.mark.parametrize("given, error", [(1.5, soastore.InvalidOptionError), ("lots", soastore.InvalidOptionError),
                                          (True, TypeError), ([1], TypeError)])
def test_a_bad_budget_is_refused(partition, scratch, given, error):
    with pytest.raises(error):
        soastore.NumpyStore(partition, scratch / "k", memory_budget=given)


def test_the_limit_raises_a_memory_error_and_keeps_the_earlier_value(partition):
    store = soastore.GenericIOStore(partition, 1.0, memory_limit=2 * VALUE_BYTES)
    store[1] = value(1)
    with pytest.raises(soastore.MemoryLimitError) as info:
        store[2] = value(2, rows=2000)
    assert isinstance(info.value, MemoryError) and isinstance(info.value, soastore.Error)
    assert 2 not in store
    assert_soa_equal(store[1], value(1))


def test_without_a_budget_nothing_changes(partition, scratch):
    store = soastore.NumpyStore(partition, scratch / "n")
    assert store.settings["memory_budget"] is None and store.settings["memory_limit"] is None
    store[1] = value(1)
    stats = store.stats()
    assert stats["keys_in_memory"] == 0 and stats["keys_on_disk"] == 1 and stats["bytes_written"] == VALUE_BYTES
    assert (scratch / f"n_1.tmp.rank-{COMM.rank}.npz").exists()
    store.close()


@pytest.fixture
def small_tmpfs(scratch):
    """A 1 MiB tmpfs on `scratch`, mounted by rank 0 (we run as root); SOASTORE_NO_MOUNT=1 skips."""
    if os.environ.get("SOASTORE_NO_MOUNT") == "1":
        pytest.skip("SOASTORE_NO_MOUNT=1: this machine cannot mount")
    disk = scratch / "disk"
    failure = None
    if COMM.rank == 0:
        disk.mkdir()
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True, text=True)
        failure = None if result.returncode == 0 else result.stderr
    failure = COMM.bcast(failure, root=0)
    assert failure is None, f"cannot mount a tmpfs (set SOASTORE_NO_MOUNT=1 where that is expected): {failure}"
    yield disk
    COMM.Barrier()
    if COMM.rank == 0:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_failed_spill_keeps_the_value_and_warns_once(partition, small_tmpfs):
    # GenericIOStore: a spill fails on every rank together, so every rank warns exactly once.
    store = soastore.GenericIOStore(partition, 1.0, small_tmpfs / "g", memory_budget=4 * 64 * 1024)
    rows = 64 * 1024 // 16
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in range(40):  # 2.5 MiB per rank: the 1 MiB disk fills up
            store[step] = value(step, rows)
            store.flush()
    spill_warnings = [w for w in caught if issubclass(w.category, soastore.StoreWarning)]
    assert store.stats()["spill_failures"] > 0
    assert len(spill_warnings) == 1, [str(w.message) for w in caught]
    assert "stays in memory" in str(spill_warnings[0].message)
    for step in range(40):
        assert_soa_equal(store[step], value(step, rows))
    store.close()


@pytest.mark.parametrize("kind", sorted(STORES))
def test_a_spilled_array_is_released_once_its_file_is_complete(kind, partition, scratch):
    store = STORES[kind](partition, scratch / "r", memory_budget=300_000)
    first = np.arange(20_000, dtype=np.float64) + COMM.rank  # 160 kB
    alive = weakref.ref(first)
    store[0] = {"a": first}
    del first
    store[1] = {"a": np.zeros(20_000)}  # 320 kB held: the first value spills
    store.flush()  # waits for the spill without the GIL; the store lets go of the array
    gc.collect()
    assert alive() is None
    np.testing.assert_array_equal(store[0]["a"], np.arange(20_000, dtype=np.float64) + COMM.rank)
    store.close()
