"""Who deletes a disk store's files: remove/pop per key, close() and dropping the store for all
of them, unless the store was made with keep_files=True (then the GenericIO/npz functions and
numpy read them after the store is gone)."""

import gc

import numpy as np
import pytest
from mpi4py import MPI

import soastore
from conftest import assert_soa_equal

COMM = MPI.COMM_WORLD
STORES = {
    "GenericIOStore": lambda partition, path, **kw: soastore.GenericIOStore(partition, 1.0, path, **kw),
    "NumpyStore": lambda partition, path, **kw: soastore.NumpyStore(partition, path, **kw),
}


def store_files(scratch):
    """The files in `scratch` once every rank is done writing or deleting (and before any rank
    goes on to delete more)."""
    COMM.Barrier()
    names = sorted(p.name for p in scratch.iterdir())
    COMM.Barrier()
    return names


@pytest.fixture(params=list(STORES))
def make_store(request):
    return STORES[request.param]


def test_dropping_a_store_deletes_its_files(partition, scratch, make_store, rank_data):
    store = make_store(partition, scratch / "s")
    store["a"] = rank_data()
    store["b"] = rank_data()
    assert len(store_files(scratch)) > 0
    del store
    gc.collect()
    assert store_files(scratch) == []


def test_close_deletes_the_files_and_keeps_the_store_usable(partition, scratch, make_store, rank_data):
    store = make_store(partition, scratch / "s")
    store["a"] = rank_data()
    store.close()
    assert len(store) == 0 and store_files(scratch) == []
    store["b"] = rank_data()
    assert_soa_equal(store["b"], rank_data())


def test_a_with_block_closes_the_store(partition, scratch, make_store, rank_data):
    with make_store(partition, scratch / "s") as store:
        store["a"] = rank_data()
        assert len(store_files(scratch)) > 0
    assert len(store) == 0 and store_files(scratch) == []


def test_keep_files_leaves_files_for_the_format_functions(partition, scratch, rank_data):
    data = rank_data()
    store = soastore.GenericIOStore(partition, 1.0, scratch / "g", keep_files=True)
    store["k"] = data
    del store
    gc.collect()
    assert_soa_equal(soastore.read_genericio(scratch / "g_k.tmp.gio", comm=partition.comm, redistribute=False), data)

    store = soastore.NumpyStore(partition, scratch / "n", keep_files=True)
    store["k"] = data
    store.close()
    with np.load(scratch / f"n_k.tmp.rank-{COMM.rank}.npz") as archive:
        assert_soa_equal({name: archive[name] for name in data}, data)


def test_keep_files_is_keyword_only(partition, scratch):
    with pytest.raises(TypeError):
        soastore.NumpyStore(partition, scratch / "n", True)
