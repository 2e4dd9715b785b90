"""The store calls of haccytrees' merger-tree assembly (issue 10), in our own words: both stores
keyed by integer snapshot steps taken from a numpy array, temporary_path a pathlib.Path or None,
one get_field per (output field, step), NumpyStore values read field by field in a loop, remove."""

import numpy as np
import pytest
from mpi4py import MPI

import soastore

COMM = MPI.COMM_WORLD
STEPS = np.array([499, 453, 401, 355, 307], dtype=np.int64)
FIELDS = ["tree_node_index", "desc_node_index", "tree_node_mass", "xoff_fof"]


def catalog(step):
    """This rank's halos of one step: a row count that varies with step and rank (0 on some)."""
    rows = 0 if (COMM.rank == 1 and step == 401) else 40 + (int(step) % 7) * 3 + 5 * COMM.rank
    base = np.arange(rows, dtype=np.int64) + 1_000_000 * COMM.rank + int(step) * 1000
    return {"tree_node_index": base, "desc_node_index": base - 1,
            "tree_node_mass": (base * 1.5).astype(np.float32), "xoff_fof": (base % 97 + 0.5).astype(np.float32)}


def index(step):
    """The per-step index dict haccytrees keeps in its NumpyStore (arrays of other lengths)."""
    rows = len(catalog(step)["tree_node_index"])
    return {"order": np.arange(rows)[::-1].copy(), "offsets": np.array([0, rows], dtype=np.int64),
            "step": np.int32(step)}


@pytest.mark.parametrize("on_disk", [True, False], ids=["disk", "memory"])
def test_merger_tree_assembly_pattern(partition, scratch, on_disk):
    path = (scratch / "mergertree") if on_disk else None
    data_by_step = soastore.GenericIOStore(partition, 256.0, path)
    index_by_step = soastore.NumpyStore(partition, path)

    for step in STEPS:  # numpy.int64 keys, as iteration over an array of steps gives them
        data_by_step[step] = catalog(step)
        index_by_step[step] = index(step)
    assert list(data_by_step) == list(STEPS) and list(index_by_step) == list(STEPS)

    # Core-tree code: keep one value per step and read its members in a loop.
    for step in STEPS:
        d = index_by_step[int(step)]
        for field in ("order", "offsets", "step"):
            np.testing.assert_array_equal(d[field], index(step)[field])

    # Output phase: one get_field per (output field, step), with int keys this time.
    for field in FIELDS:
        column = np.concatenate([data_by_step.get_field(int(step), field)[field] for step in STEPS])
        expected = np.concatenate([catalog(step)[field] for step in STEPS])
        np.testing.assert_array_equal(column, expected)
        assert column.dtype == expected.dtype

    for step in STEPS:
        data_by_step.remove(step)
        index_by_step.remove(int(step))
    assert len(data_by_step) == 0 and len(index_by_step) == 0
    if on_disk:
        COMM.Barrier()
        assert list(scratch.iterdir()) == []
