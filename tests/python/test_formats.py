"""pygio-style format functions: read_genericio, write_genericio, inspect_genericio, save_npz,
load_npz, against the reference's test vectors and numpy."""

import json

import numpy as np
import pytest
from mpi4py import MPI

import soastore
from conftest import assert_soa_equal, genericio_vector, takes_o_direct

COMM = MPI.COMM_WORLD
R2_ROWS = {0: 20, 1: 13}  # r2_basic.gio: rows per writer rank
# What each reference vector holds: writer ranks, rows, variables (MANIFEST.md, manifest.json).
VECTORS = [entry for entry in json.loads(genericio_vector("manifest.json").read_text())["files"]
           if entry["kind"] == "valid"]


def expected_values(name, b):
    """The value formula of the reference test vectors (MANIFEST.md) for rows with base values b;
    pos3 has 3 components per row."""
    b = np.asarray(b, dtype=np.int64)
    formulas = {
        "x": lambda: ((b % 256) + 0.25).astype(np.float32),
        "y": lambda: (((3 * b) % 256) + 0.5).astype(np.float32),
        "z": lambda: (((7 * b) % 256) + 0.75).astype(np.float32),
        "f32": lambda: (b + 0.5).astype(np.float32),
        "f64": lambda: (-b - 0.125).astype(np.float64),
        "lname": lambda: (2 * b + 0.5).astype(np.float64),
        "i8": lambda: ((b % 256) - 128).astype(np.int8),
        "u8": lambda: ((3 * b + 1) % 256).astype(np.uint8),
        "i16": lambda: ((b % 65536) - 32768).astype(np.int16),
        "u16": lambda: ((7 * b) % 65536).astype(np.uint16),
        "i32": lambda: (3 * b - 1000000).astype(np.int32),
        "u32": lambda: (4294967295 - b).astype(np.uint32),
        "i64": lambda: (-(b * 8589934592) - 1).astype(np.int64),
        "u64": lambda: (np.uint64(2**64 - 1) - b.astype(np.uint64)),
        "pos3": lambda: (b[:, None] + 0.25 * np.arange(3)).astype(np.float32),
    }
    return formulas[name]()


def redistributed_file_ranks(file_ranks, readers, reader):
    """The writer ranks whose rows reader `reader` of `readers` gets with redistribute=True: the
    reference's rule (tests/cpp/mpi/test_genericio_read.cpp checks it), every writer rank read once.
    Fewer writers than readers: the last readers get one each, in reverse."""
    q, m = divmod(file_ranks, readers)
    if q == 0:
        return [readers - 1 - reader] if reader >= readers - m else []
    small = readers - m  # readers that get q writer ranks, the others q + 1
    first = reader * q if reader < small else small * q + (reader - small) * (q + 1)
    return list(range(first, first + (q if reader < small else q + 1)))


def expected_soa(vector, writer_ranks):
    """Every variable of the vector, in file order, for the rows of those writer ranks."""
    b = np.concatenate([1000 * vector["ranks"][r]["global_rank"] + np.arange(vector["ranks"][r]["count"])
                        + 100000 * vector["seed"] for r in writer_ranks] + [np.zeros(0, np.int64)])
    soa = {}
    for variable in vector["variables"]:
        values = expected_values(variable["code"], b)
        components = variable["size"] // variable["element_size"]
        assert values.dtype == np.dtype(variable["dtype"].split("[")[0]), variable["name"]  # "float32[3]"
        assert values.shape[1:] == (() if components == 1 else (components,)), variable["name"]
        soa[variable["name"]] = values
    return soa


def assert_bit_identical(actual, expected):
    assert_soa_equal(actual, expected)
    for name, array in expected.items():
        assert actual[name].tobytes() == array.tobytes(), name  # -0.0 is not 0.0


def rows_of_rank(rank):
    return 1000 * rank + np.arange(R2_ROWS[rank])


def test_read_a_reference_file_collectively():
    local = soastore.read_genericio(genericio_vector("r2_basic.gio"), ["f64", "x", "i8", "u16", "i32", "u64"])
    b = np.round(-local["f64"] - 0.125).astype(np.int64)
    everything = np.sort(np.concatenate(COMM.allgather(b)))  # before any rank may fail an assert
    assert list(local) == ["f64", "x", "i8", "u16", "i32", "u64"]  # the order asked for
    for name in local:
        assert local[name].dtype == expected_values(name, b).dtype, name  # signedness kept
        np.testing.assert_array_equal(local[name], expected_values(name, b), err_msg=name)
    np.testing.assert_array_equal(everything, np.concatenate([rows_of_rank(0), rows_of_rank(1)]))
    if COMM.size == 2:
        np.testing.assert_array_equal(b, rows_of_rank(COMM.rank))


def test_read_everything_in_file_order_and_zero_copy():
    local = soastore.read_genericio(genericio_vector("r2_basic.gio"))
    assert list(local) == ["x", "y", "z", "f32", "f64", "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64"]
    assert type(local["x"].base).__name__ == "PyCapsule"  # memory C++ allocated, not copied


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["file"] for vector in VECTORS])
def test_genericio_read(vector):
    """Every vector on every rank count: redistributed, each rank gets the rows of the writer
    ranks the reference's rule gives it, bit-identical to the formula; without redistribution the
    file is read as it was written when the rank counts match, else refused (on every rank)."""
    path = genericio_vector(vector["file"])
    writers = vector["nranks"]
    local = soastore.read_genericio(path)  # redistribute=True is the default
    rows = COMM.allreduce(len(local[vector["variables"][0]["name"]]))
    try:
        as_written, refusal = soastore.read_genericio(path, redistribute=False), None
    except soastore.LayoutMismatchError as error:
        as_written, refusal = None, error
    # No collective call below: a rank failing an assert must not leave the others waiting.
    mine = redistributed_file_ranks(writers, COMM.size, COMM.rank)
    assert_bit_identical(local, expected_soa(vector, mine))
    assert rows == sum(rank["count"] for rank in vector["ranks"])  # every row read once
    if writers == COMM.size:
        assert refusal is None and mine == [COMM.rank]
        assert_bit_identical(as_written, expected_soa(vector, [COMM.rank]))
    else:
        assert as_written is None and f"written by {writers} ranks" in str(refusal), refusal


def test_redistribution_rule_of_the_reference():
    assert redistributed_file_ranks(4, 3, 0) == [0] and redistributed_file_ranks(4, 3, 2) == [2, 3]
    assert redistributed_file_ranks(4, 6, 1) == [] and redistributed_file_ranks(4, 6, 5) == [0]
    assert redistributed_file_ranks(4, 1, 0) == [0, 1, 2, 3] and redistributed_file_ranks(2, 4, 2) == [1]
    for writers in range(1, 9):
        for readers in range(1, 9):
            assigned = [r for reader in range(readers) for r in redistributed_file_ranks(writers, readers, reader)]
            assert sorted(assigned) == list(range(writers)), (writers, readers)


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
    total_rows = COMM.allreduce(len(data["x"]))
    soastore.write_genericio(path, data, [64.0, 64.0, 64.0], comm=partition.comm)
    assert_soa_equal(soastore.read_genericio(path, redistribute=False, comm=partition.comm), data)
    info = soastore.inspect_genericio(path)
    assert list(info["dims"]) == partition.decomposition
    assert list(info["phys_scale"]) == [64.0] * 3 and list(info["phys_origin"]) == [0.0] * 3
    assert [v["name"] for v in info["variables"]] == ["x", "id", "mass"]  # insertion order
    assert info["total_rows"] == total_rows


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
    local = soastore.read_genericio(path, redistribute=False)
    assert soastore.inspect_genericio(path)["variables"][0]["components"] == 3
    assert_soa_equal(local, {"pos": pos, "id": np.arange(COMM.rank + 2)})


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


@pytest.mark.parametrize("io", ["buffered", "direct", "auto"])
def test_write_genericio_and_save_npz_take_an_io_mode(scratch, partition, rank_data, io):
    data = rank_data()
    path = scratch / f"io_{io}.gio"
    soastore.write_genericio(path, data, [1.0, 1.0, 1.0], comm=partition.comm, io=io)
    assert_soa_equal(soastore.read_genericio(path, redistribute=False, comm=partition.comm), data)
    info = soastore.inspect_genericio(path)
    assert info["block_headers"] is (io == "direct")  # direct: every block on a 4 KiB boundary
    npz_path = scratch / f"io_{io}_rank{COMM.rank}.npz"
    soastore.save_npz(npz_path, data, io=io)
    with np.load(npz_path) as archive:
        for name, value in data.items():
            np.testing.assert_array_equal(archive[name], value, err_msg=name)
    with pytest.raises(soastore.InvalidOptionError, match="option io"):
        soastore.save_npz(npz_path, data, io="sideways")
    COMM.Barrier()


@pytest.mark.parametrize("io", ["buffered", "direct", "auto"])
def test_read_genericio_and_load_npz_take_an_io_mode(scratch, partition, io):
    rows = 0 if COMM.rank == 1 else 300001 + 7 * COMM.rank  # odd sizes: unaligned tails
    data = {"id": np.arange(rows, dtype=np.int64) * 3, "x": np.linspace(0, 1, rows, dtype=np.float32)}
    path = scratch / f"read_{io}.gio"
    soastore.write_genericio(path, data, [1.0, 1.0, 1.0], comm=partition.comm, io="direct")
    npz_path = scratch / f"read_{io}_rank{COMM.rank}.npz"
    soastore.save_npz(npz_path, data)
    before = soastore.io_counters()["bytes_read_direct"]
    assert_soa_equal(soastore.read_genericio(path, redistribute=False, comm=partition.comm, io=io), data)
    assert_soa_equal(soastore.load_npz(npz_path, io=io), data)
    read_direct = soastore.io_counters()["bytes_read_direct"] - before
    if io != "direct":  # buffered, or auto below the 16 MiB threshold (a few MB per rank here)
        assert read_direct == 0
    elif takes_o_direct(scratch):  # both files' data (an empty rank still reads its CRC trailers)
        assert read_direct >= 2 * sum(array.nbytes for array in data.values())
    with pytest.raises(soastore.InvalidOptionError, match="option io"):
        soastore.load_npz(npz_path, io="sideways")
    COMM.Barrier()
