"""pygio-style format functions: read_genericio, write_genericio, inspect_genericio, save_npz,
load_npz, against the reference's test vectors and numpy."""

import numpy as np
import pytest
from mpi4py import MPI

import soastore
from conftest import assert_soa_equal, genericio_vector

COMM = MPI.COMM_WORLD
R2_ROWS = {0: 20, 1: 13}  # r2_basic.gio: rows per writer rank


def expected_values(name, b):
    """The value formula of the reference test vectors (MANIFEST.md)."""
    b = np.asarray(b, dtype=np.int64)
    formulas = {
        "x": lambda: ((b % 256) + 0.25).astype(np.float32),
        "f32": lambda: (b + 0.5).astype(np.float32),
        "f64": lambda: (-b - 0.125).astype(np.float64),
        "i8": lambda: ((b % 256) - 128).astype(np.int8),
        "u16": lambda: ((7 * b) % 65536).astype(np.uint16),
        "i32": lambda: (3 * b - 1000000).astype(np.int32),
        "u64": lambda: (np.uint64(2**64 - 1) - b.astype(np.uint64)),
    }
    return formulas[name]()


def rows_of_rank(rank):
    return 1000 * rank + np.arange(R2_ROWS[rank])


def test_read_a_reference_file_collectively():
    local = soastore.read_genericio(genericio_vector("r2_basic.gio"), ["f64", "x", "i8", "u16", "i32", "u64"])
    assert list(local) == ["f64", "x", "i8", "u16", "i32", "u64"]  # the order asked for
    b = np.round(-local["f64"] - 0.125).astype(np.int64)
    for name in local:
        assert local[name].dtype == expected_values(name, b).dtype, name  # signedness kept
        np.testing.assert_array_equal(local[name], expected_values(name, b), err_msg=name)
    everything = np.sort(np.concatenate(COMM.allgather(b)))
    np.testing.assert_array_equal(everything, np.concatenate([rows_of_rank(0), rows_of_rank(1)]))
    if COMM.size == 2:
        np.testing.assert_array_equal(b, rows_of_rank(COMM.rank))


def test_read_everything_in_file_order_and_zero_copy():
    local = soastore.read_genericio(genericio_vector("r2_basic.gio"))
    assert list(local) == ["x", "y", "z", "f32", "f64", "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64"]
    assert type(local["x"].base).__name__ == "PyCapsule"  # memory C++ allocated, not copied


def test_mismatched_rank_counts_need_redistribute():
    path = genericio_vector("r2_basic.gio")
    if COMM.size == 2:
        local = soastore.read_genericio(path, ["i64"], redistribute=False)
        assert local["i64"].size == R2_ROWS[COMM.rank]
    else:
        with pytest.raises(soastore.LayoutMismatchError):
            soastore.read_genericio(path, ["i64"], redistribute=False)


def test_inspect_a_reference_file():
    info = soastore.inspect_genericio(genericio_vector("r4_cart.gio"))
    assert info["total_rows"] == 38
    assert list(info["dims"]) == [2, 2, 1]
    assert list(info["phys_origin"]) == [100, 200, 300]
    assert list(info["phys_scale"]) == [256, 128, 64]
    names = [v["name"] for v in info["variables"]]
    assert names[:3] == ["x", "y", "z"] and names[-1] == "pos3"
    pos3 = info["variables"][-1]
    assert pos3["dtype"] == np.float32 and pos3["components"] == 3
    assert [r["rows"] for r in info["ranks"]] == [10, 0, 25, 3]
    assert [list(r["coords"]) for r in info["ranks"]][1] == [0, 1, 0]
    assert info["big_endian"] is False and info["subfiles"] == []


def test_write_then_read_round_trip(scratch, partition, rank_data):
    path = scratch / "out.gio"
    data = rank_data()
    soastore.write_genericio(path, data, [64.0, 64.0, 64.0], comm=partition.comm)
    assert_soa_equal(soastore.read_genericio(path, redistribute=False, comm=partition.comm), data)
    info = soastore.inspect_genericio(path)
    assert list(info["dims"]) == partition.decomposition
    assert list(info["phys_scale"]) == [64.0] * 3 and list(info["phys_origin"]) == [0.0] * 3
    assert [v["name"] for v in info["variables"]] == ["x", "id", "mass"]  # insertion order
    assert info["total_rows"] == COMM.allreduce(len(data["x"]))


def test_write_takes_views_and_foreign_byte_order_by_value(scratch):
    path = scratch / "views.gio"
    base = np.arange(20, dtype=np.float64) + COMM.rank
    soastore.write_genericio(path, {"even": base[::2], "back": base[:10][::-1], "big": base[:10].astype(">f8")},
                             [1, 1, 1], (0.5, 0.5, 0.5))
    local = soastore.read_genericio(path, redistribute=False)
    np.testing.assert_array_equal(local["even"], base[::2])
    np.testing.assert_array_equal(local["back"], base[:10][::-1])
    np.testing.assert_array_equal(local["big"], base[:10])
    assert list(soastore.inspect_genericio(path)["phys_origin"]) == [0.5] * 3


def test_multi_component_variables_are_rows_by_k_arrays(scratch):
    path = scratch / "pos.gio"
    pos = (np.arange(3 * (COMM.rank + 2), dtype=np.float32).reshape(-1, 3) + 100 * COMM.rank)
    soastore.write_genericio(path, {"pos": pos, "id": np.arange(COMM.rank + 2)}, [1, 1, 1])
    assert soastore.inspect_genericio(path)["variables"][0]["components"] == 3
    assert_soa_equal(soastore.read_genericio(path, redistribute=False), {"pos": pos, "id": np.arange(COMM.rank + 2)})


def test_read_a_reference_multi_component_variable():
    local = soastore.read_genericio(genericio_vector("r4_cart.gio"), ["f64", "pos3"])
    b = np.round(-local["f64"] - 0.125)
    assert local["pos3"].shape == (b.size, 3)
    np.testing.assert_array_equal(local["pos3"], (b[:, None] + 0.25 * np.arange(3)).astype(np.float32))


def test_write_checks_its_arguments(scratch):
    path = scratch / "bad.gio"
    with pytest.raises(ValueError, match="3 numbers"):
        soastore.write_genericio(path, {"a": np.zeros(2)}, [1.0, 1.0])
    with pytest.raises(TypeError):
        soastore.write_genericio(path, {"a": np.zeros(2)}, "abc")
    with pytest.raises(ValueError, match="1-D"):
        soastore.write_genericio(path, {"a": np.zeros((2, 2, 2))}, [1, 1, 1])
    with pytest.raises(TypeError, match="mpi4py communicator"):
        soastore.write_genericio(path, {"a": np.zeros(2)}, [1, 1, 1], comm=1)


def test_unknown_variables_are_key_errors():
    with pytest.raises(KeyError, match="nope"):
        soastore.read_genericio(genericio_vector("r2_basic.gio"), ["x", "nope"])


@pytest.mark.parametrize("name", ["bad_data_crc.gio", "bad_header_crc.gio"])
def test_corrupt_files_raise_corrupt_file_error(name):
    with pytest.raises(soastore.CorruptFileError) as info:
        soastore.read_genericio(genericio_vector(name))
    assert isinstance(info.value, OSError)


def test_npz_round_trip_and_numpy_compatibility(scratch):
    path = scratch / f"rank{COMM.rank}.npz"
    data = {"a": np.arange(10.0), "m": np.arange(6, dtype=np.int16).reshape(2, 3), "s": np.float32(2.5),
            "flags": np.array([True, False]), "big": np.arange(4).astype(">i4"), "view": np.arange(9)[::3]}
    soastore.save_npz(path, data)
    with np.load(path) as archive:
        assert sorted(archive.files) == sorted(data)
        for name, value in data.items():
            np.testing.assert_array_equal(archive[name], value, err_msg=name)
    loaded = soastore.load_npz(path)
    assert list(loaded) == list(data)
    for name, value in data.items():
        np.testing.assert_array_equal(loaded[name], value, err_msg=name)
    assert loaded["s"].shape == () and loaded["m"].shape == (2, 3)
    assert list(soastore.load_npz(path, ["view", "a"])) == ["view", "a"]
    with pytest.raises(KeyError, match="nope"):
        soastore.load_npz(path, ["nope"])


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed])
def test_load_what_numpy_writes(scratch, save):
    path = scratch / f"numpy{COMM.rank}.npz"
    data = {"x": np.linspace(0, 1, 100), "n": np.arange(12, dtype=np.uint32).reshape(3, 4), "c": np.arange(3) * 1j}
    save(path, **data)
    assert_soa_equal(soastore.load_npz(path), data)


def test_a_file_that_is_not_an_npz_is_corrupt(scratch):
    path = scratch / f"garbage{COMM.rank}.npz"
    path.write_bytes(b"this is not a zip archive" * 10)
    with pytest.raises(soastore.CorruptFileError):
        soastore.load_npz(path)
    good = scratch / f"good{COMM.rank}.npz"
    soastore.save_npz(good, {"a": np.arange(1000.0)})
    truncated = scratch / f"truncated{COMM.rank}.npz"
    truncated.write_bytes(good.read_bytes()[:-100])
    with pytest.raises(soastore.CorruptFileError):
        soastore.load_npz(truncated)
