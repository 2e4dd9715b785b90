"""The background option: set returns once the write is queued, flush() waits for it, the store
holds the caller's numpy arrays (no copy) until they are written and then lets go of them (for
NumpyStore from the writer thread, which takes the GIL for that itself), and dropping a store
with writes pending neither hangs nor leaves files."""

import gc
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


@pytest.mark.parametrize("kind", sorted(STORES))
def test_set_get_flush_in_the_background(kind, partition, scratch, rank_data):
    store = STORES[kind](partition, str(scratch / "bg"), background=True, background_bytes=1 << 20)
    assert store.settings["background"] is True
    assert store.settings["background_bytes"] == 1 << 20
    for seed in range(4):
        store[f"k{seed}"] = rank_data(seed)
    assert_soa_equal(store["k2"], rank_data(2))  # waits for the write of k2
    store.flush()
    for seed in range(4):
        assert_soa_equal(store[f"k{seed}"], rank_data(seed))
    del store["k0"]
    assert "k0" not in store
    assert_soa_equal(store.pop("k1"), rank_data(1))
    store.flush()
    store.close()
    COMM.Barrier()
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("kind", sorted(STORES))
def test_arrays_are_released_once_written(kind, partition, scratch):
    store = STORES[kind](partition, str(scratch / "bg"), background=True)
    array = np.arange(100_000, dtype=np.float64) + COMM.rank
    alive = weakref.ref(array)
    store["k"] = {"a": array}
    del array
    store.flush()  # releases the GIL: the writer thread may need it to drop the array
    gc.collect()
    assert alive() is None
    np.testing.assert_array_equal(store["k"]["a"], np.arange(100_000, dtype=np.float64) + COMM.rank)
    store.close()


@pytest.mark.parametrize("kind", sorted(STORES))
def test_dropping_a_store_with_writes_pending_does_not_hang(kind, partition, scratch):
    store = STORES[kind](partition, str(scratch / "bg"), background=True)
    for i in range(6):
        store[f"k{i}"] = {"a": np.full(200_000, i, dtype=np.int64)}
    del store  # the destructor waits for the running write without the GIL and deletes the files
    gc.collect()
    COMM.Barrier()
    assert list(scratch.iterdir()) == []


def test_the_environment_switches_background_on(partition, scratch, monkeypatch):
    monkeypatch.setenv("SOASTORE_BACKGROUND", "1")
    monkeypatch.setenv("SOASTORE_BACKGROUND_BYTES", "64m")
    store = soastore.NumpyStore(partition, str(scratch / "env"))
    assert store.settings["background"] is True
    assert store.settings["background_bytes"] == 64 << 20
    store["k"] = {"a": np.arange(3)}
    store.flush()
    store.close()
