"""Stores with a temporary path write files that the format functions and numpy read, and read
back what they wrote."""

import errno

import numpy as np
import pytest
from mpi4py import MPI

import soastore
from conftest import assert_soa_equal

COMM = MPI.COMM_WORLD


def genericio_file(prefix, key):
    return prefix.parent / f"{prefix.name}_{key}.tmp.gio"


def npz_file(prefix, key, rank):
    return prefix.parent / f"{prefix.name}_{key}.tmp.rank-{rank}.npz"


def test_genericio_store_files_read_with_read_genericio(partition, scratch, rank_data):
    prefix = scratch / "run"
    store = soastore.GenericIOStore(partition, 250.0, prefix)
    assert store.temporary_path == str(prefix)
    data = rank_data()
    store["pos_0"] = data
    path = genericio_file(prefix, "pos_0")
    assert path.exists()
    assert_soa_equal(soastore.read_genericio(path, comm=partition.comm, redistribute=False), data)
    info = soastore.inspect_genericio(path)
    assert list(info["phys_scale"]) == [250.0] * 3
    assert list(info["dims"]) == partition.decomposition
    assert info["total_rows"] == COMM.allreduce(len(data["x"]))


def test_genericio_store_round_trip_without_copies_in_numpy(partition, scratch, rank_data):
    store = soastore.GenericIOStore(partition, 1.0, scratch / "run")
    data = rank_data()
    store["k"] = data
    result = store["k"]
    assert_soa_equal(result, data)
    assert not np.shares_memory(result["id"], data["id"])  # read from the file
    assert type(result["id"].base).__name__ == "PyCapsule"  # C++'s buffer, not a copy
    assert list(store.get_field("k", ["mass", "x"])) == ["mass", "x"]
    with pytest.raises(KeyError, match="nope"):
        store.get_field("k", "nope")


def test_numpy_store_files_read_with_numpy_load(partition, scratch):
    prefix = scratch / "np"
    store = soastore.NumpyStore(partition, prefix)
    data = {"m": np.arange(COMM.rank * 6, dtype=np.int16).reshape(-1, 2), "s": np.float64(COMM.rank),
            "c": np.arange(3) * 1j, "strided": np.arange(10.0)[::3]}
    store["k"] = data
    path = npz_file(prefix, "k", COMM.rank)
    with np.load(path) as archive:
        assert sorted(archive.files) == sorted(data)
        for name, value in data.items():
            np.testing.assert_array_equal(archive[name], value, err_msg=name)
    result = store["k"]
    for name, value in data.items():
        np.testing.assert_array_equal(result[name], value, err_msg=name)
        assert result[name].shape == np.shape(value)


@pytest.mark.parametrize("make_store, file_of", [
    (lambda p, path: soastore.GenericIOStore(p, 1.0, path), lambda prefix, key: genericio_file(prefix, key)),
    (lambda p, path: soastore.NumpyStore(p, path), lambda prefix, key: npz_file(prefix, key, COMM.rank)),
], ids=["GenericIOStore", "NumpyStore"])
def test_pop_and_remove_delete_the_files(partition, scratch, rank_data, make_store, file_of):
    prefix = scratch / "t"
    store = make_store(partition, prefix)
    data = rank_data()
    store["a"] = data
    store["b"] = data
    assert list(store) == ["a", "b"] and len(store) == 2 and "a" in store
    assert_soa_equal(store.pop("a"), data)
    COMM.Barrier()
    assert not file_of(prefix, "a").exists()
    del store["b"]
    COMM.Barrier()
    assert not file_of(prefix, "b").exists()
    with pytest.raises(KeyError):
        store["a"]


def test_a_corrupted_store_file_is_corrupt_file_error(partition, scratch, rank_data):
    prefix = scratch / "c"
    store = soastore.GenericIOStore(partition, 1.0, prefix)
    store["k"] = rank_data()
    COMM.Barrier()
    if COMM.rank == 0:
        path = genericio_file(prefix, "k")
        path.write_bytes(path.read_bytes()[:100])
    COMM.Barrier()
    with pytest.raises(soastore.CorruptFileError):
        store["k"]


def test_a_missing_directory_is_an_os_error(partition, scratch):
    with pytest.raises(OSError) as info:
        store = soastore.NumpyStore(partition, scratch / "missing" / "dir")
        store["k"] = {"a": np.zeros(3)}
    assert info.value.errno == errno.ENOENT


def group_values(rank, seed):
    """Rank `rank`'s value: fields and sizes differ between ranks, rank 0 has no rows."""
    rng = np.random.default_rng(seed * 100 + rank)
    rows = 11 * rank
    value = {"id": rng.integers(0, 2**62, rows, dtype=np.int64),
             "x": rng.uniform(size=(rows, 3)).astype(np.float32)}
    if rank % 2:
        value["odd"] = rng.uniform(size=rows + 1)
    return value


@pytest.mark.parametrize("file_groups", ["all", 2])
def test_numpy_store_with_file_groups_writes_one_archive_numpy_reads(partition, scratch, file_groups):
    prefix = scratch / "run"
    with soastore.NumpyStore(partition, prefix, file_groups=file_groups, keep_files=True) as store:
        store[7] = group_values(COMM.rank, 1)
        assert_soa_equal(dict(store[7]), group_values(COMM.rank, 1))
        assert list(store.get_field(7, "id")) == ["id"]
        store[7] = group_values(COMM.rank, 2)  # replaced: no .previous left
        assert_soa_equal(dict(store[7]), group_values(COMM.rank, 2))
    COMM.Barrier()
    per_file = COMM.size if file_groups == "all" else file_groups
    group = COMM.rank // per_file
    assert sorted(p.name for p in scratch.iterdir()) == [
        f"run_7.tmp.group-{g}.npz" for g in range((COMM.size + per_file - 1) // per_file)]
    with np.load(prefix.parent / f"run_7.tmp.group-{group}.npz") as archive:
        ranks = range(group * per_file, min(COMM.size, (group + 1) * per_file))
        expected = {f"rank-{r:06d}/{name}": array for r in ranks for name, array in group_values(r, 2).items()}
        assert sorted(archive.files) == sorted(expected)
        for name, array in expected.items():
            got = archive[name]
            assert got.dtype == array.dtype and got.shape == array.shape
            assert got.tobytes() == array.tobytes()
