"""GenericIOStore's file_groups (issue 14): split files, read back bit-exact by the store and by
read_genericio, the sub-files listed by inspect, every file removed on close."""

import numpy as np
import pytest
from mpi4py import MPI

import soastore

COMM = MPI.COMM_WORLD


def rank_value(seed):
    rows = 0 if COMM.rank == 1 else 40 + 13 * COMM.rank
    return {"id": np.arange(rows, dtype=np.int64) + 1000 * COMM.rank + seed,
            "mass": np.linspace(0, 1, rows, dtype=np.float32) + seed}


def same(actual, expected):
    assert list(actual) == list(expected)
    for name, array in expected.items():
        assert actual[name].dtype == array.dtype and np.array_equal(actual[name], array)


@pytest.mark.parametrize("groups", ["all", "rank", 2])
def test_split_files_read_back_by_the_store_and_read_genericio(partition, scratch, groups):
    per_group = {"all": COMM.size, "rank": 1}.get(groups, groups)
    count = (COMM.size + per_group - 1) // per_group
    store = soastore.GenericIOStore(partition, 1.0, scratch / "run", file_groups=groups, keep_files=True)
    store[10] = rank_value(1)
    store[10] = rank_value(2)
    same(store[10], rank_value(2))
    same(store.get_field(10, "mass"), {"mass": rank_value(2)["mass"]})
    store.close()
    path = scratch / "run_10.tmp.gio"
    expected = sorted(["run_10.tmp.gio"] + ([f"run_10.tmp.gio#{g}" for g in range(count)] if count > 1 else []))
    COMM.Barrier()
    assert sorted(p.name for p in scratch.iterdir()) == expected
    same(soastore.read_genericio(str(path)), rank_value(2))
    info = soastore.inspect_genericio(str(path))
    assert len(info["subfiles"]) == (count if count > 1 else 0)


def test_split_store_leaves_no_file(partition, scratch):
    store = soastore.GenericIOStore(partition, 1.0, scratch / "run", file_groups="rank")
    store[1] = rank_value(1)
    store[1] = rank_value(3)
    same(store.pop(1), rank_value(3))
    store[2] = rank_value(4)
    store.close()
    COMM.Barrier()
    assert list(scratch.iterdir()) == []
