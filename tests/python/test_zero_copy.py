"""Arrays cross between numpy and C++ without copies: the store keeps the caller's buffer, and
arrays C++ allocated reach numpy as views whose base keeps that memory alive."""

import gc
import sys
import weakref

import numpy as np
import pytest
from mpi4py import MPI

import soastore
from soastore import _soastore

STORES = [
    lambda partition: soastore.GenericIOStore(partition, 1.0),
    lambda partition: soastore.NumpyStore(partition),
]


@pytest.mark.parametrize("make_store", STORES, ids=["GenericIOStore", "NumpyStore"])
def test_memory_mode_returns_the_callers_own_array(partition, make_store):
    store = make_store(partition)
    a = np.arange(10.0)
    store["k"] = {"a": a}
    result = store["k"]["a"]
    assert result is a
    assert store.get_field("k", "a")["a"] is a
    a[3] = -1.0  # the store holds the caller's buffer, as the reference's dict does
    assert store["k"]["a"][3] == -1.0


@pytest.mark.parametrize("make_store", STORES, ids=["GenericIOStore", "NumpyStore"])
def test_the_store_holds_exactly_one_reference_until_removed(partition, make_store):
    store = make_store(partition)
    a = np.arange(1000, dtype=np.int64)
    before = sys.getrefcount(a)
    store["k"] = {"a": a}
    assert sys.getrefcount(a) == before + 1
    store.remove("k")
    assert sys.getrefcount(a) == before


@pytest.mark.parametrize("make_store", STORES, ids=["GenericIOStore", "NumpyStore"])
def test_a_stored_array_lives_while_stored_and_is_freed_after(partition, make_store):
    store = make_store(partition)
    a = np.arange(100.0)
    alive = weakref.ref(a)
    store["k"] = {"a": a}
    del a
    gc.collect()
    assert alive() is not None
    np.testing.assert_array_equal(store["k"]["a"], np.arange(100.0))
    store["k"] = {"b": np.zeros(1)}  # replacing the value drops the old one
    gc.collect()
    assert alive() is None


def test_a_view_of_a_reshaped_original_shares_its_memory(partition):
    store = soastore.NumpyStore(partition)
    a = np.arange(6.0)
    store["k"] = {"a": a}
    a.shape = (2, 3)  # the caller changed the array object after storing it
    result = store["k"]["a"]
    assert result.shape == (6,) and result is not a
    assert np.shares_memory(result, a) and result.base is a


def test_read_only_arrays_are_stored_and_stay_read_only(partition):
    store = soastore.NumpyStore(partition)
    a = np.arange(5)
    a.flags.writeable = False
    store["k"] = {"a": a}
    assert store["k"]["a"] is a and not store["k"]["a"].flags.writeable


def test_contiguous_subarrays_are_not_copied(partition):
    store = soastore.NumpyStore(partition)
    base = np.arange(20.0)
    view = base[5:15]
    store["k"] = {"a": view}
    assert store["k"]["a"] is view and np.shares_memory(store["k"]["a"], base)


def test_arrays_allocated_by_cpp_are_exposed_without_a_copy(scratch):
    # load_npz returns arrays whose memory C++ allocated: their base is the capsule that owns it.
    path = scratch / f"a{MPI.COMM_WORLD.rank}.npz"
    soastore.save_npz(path, {"a": np.arange(1000.0)})
    a = soastore.load_npz(path)["a"]
    assert type(a.base).__name__ == "PyCapsule"
    assert not a.flags.owndata and a.flags.writeable
    view = a[10:20]
    assert np.shares_memory(view, a)
    del a
    gc.collect()
    np.testing.assert_array_equal(view, np.arange(10.0, 20.0))  # the capsule keeps the buffer


def test_storing_cpp_allocated_arrays_keeps_them_zero_copy(partition, scratch):
    path = scratch / f"a{MPI.COMM_WORLD.rank}.npz"
    soastore.save_npz(path, {"a": np.arange(50, dtype=np.int32)})
    loaded = soastore.load_npz(path)
    store = soastore.NumpyStore(partition)
    store["k"] = loaded
    assert store["k"]["a"] is loaded["a"]


def test_native_module_is_private():
    assert soastore.GenericIOStore.__module__ == "soastore._stores"
    assert hasattr(_soastore, "NativeNumpyStore")
