"""NumpyStore on disk returns lazy values (issue 10), as the reference's numpy.load returns an
NpzFile: ``store[key][name]`` reads and checks that array alone, the value stays readable after
the key is removed or overwritten, it is closed by close(), ``with`` or garbage collection, and
mapped (zero copy) unless asked for copies. ``pop`` returns plain arrays."""

import gc
import os

import numpy as np
import pytest
from mpi4py import MPI

import soastore
from conftest import assert_soa_equal

COMM = MPI.COMM_WORLD
PROBE = 8192  # what reading a member costs beyond its bytes: one probe of its headers


def columns(seed=0):
    """This rank's data: two big columns and a small one, sizes differing between ranks."""
    rows = 50_000 + 1000 * COMM.rank
    rng = np.random.default_rng(seed + 10 * COMM.rank)
    return {"big": rng.random(rows), "ids": np.arange(rows, dtype=np.int64) + seed,
            "small": np.array([seed, COMM.rank], dtype=np.int16)}


@pytest.fixture
def store(partition, scratch):
    with soastore.NumpyStore(partition, scratch / "run") as store:
        yield store


def taken(before, after):
    return (after["bytes_read"] - before["bytes_read"]) + (after["bytes_mapped"] - before["bytes_mapped"])


def test_value_is_a_read_only_mapping_like_npzfile(store):
    data = columns()
    store[499] = data
    value = store[499]
    assert isinstance(value, soastore.NpzValue)
    assert list(value.keys()) == ["big", "ids", "small"] and value.files == ["big", "ids", "small"]
    assert "ids" in value and "nope" not in value and len(value) == 3
    assert list(value) == value.files
    assert [name for name, _ in value.items()] == value.files
    assert_soa_equal(value, data)
    with pytest.raises(KeyError, match="nope"):
        value["nope"]
    with pytest.raises(TypeError):
        value["ids"] = np.zeros(3)  # read-only, as NpzFile


def test_reading_one_array_reads_only_its_bytes(store):
    data = columns()
    store[7] = data
    for mmap in (True, False):
        before_open = soastore.io_counters()
        value = store.open(7, mmap=mmap)
        opened = soastore.io_counters()
        assert opened["opens"] - before_open["opens"] == 1
        assert taken(before_open, opened) <= 4096  # the directory, from the archive's tail
        array = value["ids"]
        after = soastore.io_counters()
        np.testing.assert_array_equal(array, data["ids"])
        # Its own bytes and headers, and none of the 400 kB of "big" beside it.
        assert data["ids"].nbytes <= taken(opened, after) <= data["ids"].nbytes + PROBE
        assert (after["bytes_mapped"] - opened["bytes_mapped"] > 0) == mmap
        value.close()


def test_mapped_arrays_are_not_copies_and_copies_are_asked_for(store):
    store["k"] = columns()
    mapped = store["k"]["big"]
    copied = store.open("k", mmap=False)["big"]
    np.testing.assert_array_equal(mapped, copied)
    # A mapped array's memory is the file's (a mapping), a copy's is the heap's.
    def in_a_file_mapping(array):
        address = array.__array_interface__["data"][0]
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split()
                start, end = (int(x, 16) for x in fields[0].split("-"))
                if start <= address < end:
                    return len(fields) >= 6 and fields[5].endswith(".npz")
        return False
    assert in_a_file_mapping(mapped)
    assert not in_a_file_mapping(copied)


def test_value_stays_readable_after_remove_and_overwrite(store):
    first, second = columns(seed=1), columns(seed=2)
    store["k"] = first
    before_overwrite = store["k"]
    before_overwrite_copies = store.open("k", mmap=False)
    store["k"] = second
    before_remove = store["k"]
    store.remove("k")
    assert "k" not in store
    assert_soa_equal(before_overwrite, first)
    assert_soa_equal(before_overwrite_copies, first)
    assert_soa_equal(before_remove, second)


def test_close_with_and_garbage_collection_release_the_file(store):
    store["k"] = columns()
    value = store["k"]
    kept = value["small"]
    value.close()
    assert value.closed
    with pytest.raises(ValueError, match="closed"):
        value["ids"]
    np.testing.assert_array_equal(kept, columns()["small"])  # arrays read before stay valid
    with store["k"] as value:
        assert not value.closed
    assert value.closed


def count_descriptors():
    return len(os.listdir("/proc/self/fd"))


def test_no_descriptor_leaks_over_10000_reads(store):
    store["k"] = columns()
    gc.collect()
    before = count_descriptors()
    total = 0
    for _ in range(10_000):
        total += int(store["k"]["small"][1])  # the pipeline's pattern: a temporary value per read
    assert total == 10_000 * COMM.rank
    assert count_descriptors() <= before


def test_pop_returns_plain_arrays(store):
    data = columns()
    store["k"] = data
    popped = store.pop("k")
    assert type(popped) is dict and all(type(a) is np.ndarray for a in popped.values())
    assert_soa_equal(popped, data)
    assert "k" not in store


def test_damage_in_one_array_is_found_when_that_array_is_read(store, scratch):
    data = columns()
    store["k"] = data
    path = scratch / f"run_k.tmp.rank-{COMM.rank}.npz"
    raw = bytearray(path.read_bytes())
    start = bytes(raw).find(data["ids"].tobytes()[:64])
    raw[start + 100] ^= 1
    path.write_bytes(bytes(raw))
    for mmap in (True, False):
        value = store.open("k", mmap=mmap)
        np.testing.assert_array_equal(value["big"], data["big"])
        with pytest.raises(soastore.CorruptFileError):
            value["ids"]


def test_memory_mode_values_are_dicts(partition):
    store = soastore.NumpyStore(partition)
    data = columns()
    store["k"] = data
    assert type(store["k"]) is dict and store["k"]["big"] is data["big"]
    assert store.open("k", mmap=False)["big"] is data["big"]
