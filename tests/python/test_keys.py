"""Keys as the reference takes them (issue 10): any hashable object whose text is a safe file-name
part, kept as the caller's objects and compared as a dict compares them; file names made from
f"{key}" exactly as the reference makes them; two keys with one text refused on disk."""

import pathlib

import numpy as np
import pytest
from mpi4py import MPI

import soastore
from conftest import assert_soa_equal

COMM = MPI.COMM_WORLD


def make_store(kind, partition, path):
    if kind == "GenericIOStore":
        return soastore.GenericIOStore(partition, 1.0, path)
    return soastore.NumpyStore(partition, path)


@pytest.fixture(params=["GenericIOStore", "NumpyStore"])
def kind(request):
    return request.param


@pytest.fixture(params=["disk", "memory"])
def where(request, scratch):
    # temporary_path as haccytrees passes it: a pathlib.Path, or None.
    return scratch / "run" if request.param == "disk" else None


class Step:
    """A key of the user's own type: hashable, with a text of its own."""

    def __init__(self, number):
        self.number = number

    def __eq__(self, other):
        return isinstance(other, Step) and other.number == self.number

    def __hash__(self):
        return hash(("Step", self.number))

    def __str__(self):
        return f"step-{self.number}"


@pytest.mark.parametrize("key", [499, np.int64(499), np.int32(7), "pos_0", Step(3), (1, 2)],
                         ids=["int", "numpy.int64", "numpy.int32", "str", "own-class", "tuple"])
def test_keys_of_any_hashable_type(kind, where, partition, rank_data, key):
    store = make_store(kind, partition, where)
    data = rank_data()
    store[key] = data
    assert key in store
    assert list(store) == [key] and type(list(store)[0]) is type(key)
    assert_soa_equal(store[key], data)
    assert_soa_equal(store.get_field(key, ["id", "x"]), {"id": data["id"], "x": data["x"]})
    assert_soa_equal(store.pop(key), data)
    assert key not in store and len(store) == 0
    store[key] = data
    store.remove(key)
    with pytest.raises(KeyError):
        store.remove(key)


def test_numpy_integers_and_ints_are_one_key(kind, where, partition, rank_data):
    store = make_store(kind, partition, where)
    steps = np.array([499, 247, 100], dtype=np.int64)
    for step in steps:
        store[step] = rank_data(seed=int(step))
    # The caller's objects come back, in insertion order.
    assert list(store.keys()) == [499, 247, 100]
    assert all(type(key) is np.int64 for key in store)
    # An int finds what a numpy.int64 stored, and replacing through it keeps the first object.
    assert 499 in store and np.int32(247) in store and 500 not in store
    assert_soa_equal(store.get_field(247, "id"), {"id": rank_data(seed=247)["id"]})
    store[499] = rank_data(seed=1)
    assert len(store) == 3 and type(list(store)[0]) is np.int64
    assert_soa_equal(store[np.int64(499)], rank_data(seed=1))
    assert_soa_equal(store.pop(100), rank_data(seed=100))
    del store[np.int64(247)]
    assert list(store) == [499]


def test_file_names_are_the_references(kind, partition, scratch, rank_data):
    prefix = scratch / "run"
    store = make_store(kind, partition, prefix)
    for step in (np.int64(499), 42, "pos_0"):
        store[step] = rank_data()
        # The reference's names, formatted as it formats them.
        if kind == "GenericIOStore":
            expected = pathlib.Path(f"{prefix}_{step}.tmp.gio")
        else:
            expected = pathlib.Path(f"{prefix}_{step}.tmp.rank-{partition.rank}.npz")
        assert expected.exists(), expected
    COMM.Barrier()
    files = sorted(p.name for p in scratch.iterdir())
    if kind == "GenericIOStore":
        assert files == ["run_42.tmp.gio", "run_499.tmp.gio", "run_pos_0.tmp.gio"]
    else:
        assert files == sorted(f"run_{k}.tmp.rank-{r}.npz" for k in ("499", "42", "pos_0") for r in range(COMM.size))
    COMM.Barrier()  # no rank's store may delete its files while another still lists them


def test_two_keys_with_one_text_are_refused_on_disk(kind, partition, scratch, rank_data):
    prefix = scratch / "run"
    store = make_store(kind, partition, prefix)
    store[1] = rank_data(seed=1)
    name = f"{prefix}_1.tmp.gio" if kind == "GenericIOStore" else f"{prefix}_1.tmp.rank-{partition.rank}.npz"
    before = pathlib.Path(name).read_bytes()
    with pytest.raises(soastore.InvalidKeyError, match=r"store keys 1 \(int\) and '1' \(str\) differ but both read '1'"):
        store["1"] = rank_data(seed=2)
    # Nothing was overwritten: the file, the value and the keys are as before.
    assert pathlib.Path(name).read_bytes() == before
    assert_soa_equal(store[1], rank_data(seed=1))
    assert list(store) == [1] and "1" not in store
    # numpy.int64(1) is the same key as 1, not a collision.
    store[np.int64(1)] = rank_data(seed=3)
    assert_soa_equal(store[1], rank_data(seed=3))


def test_two_keys_with_one_text_are_both_kept_in_memory(kind, partition, rank_data):
    store = make_store(kind, partition, None)
    store[1] = rank_data(seed=1)
    store["1"] = rank_data(seed=2)
    store["1#1"] = rank_data(seed=3)  # the text the second key goes by inside: no clash either
    assert list(store) == [1, "1", "1#1"]
    assert_soa_equal(store[1], rank_data(seed=1))
    assert_soa_equal(store["1"], rank_data(seed=2))
    assert_soa_equal(store["1#1"], rank_data(seed=3))
    store.remove(1)
    assert_soa_equal(store["1"], rank_data(seed=2))


@pytest.mark.parametrize("key", ["a/b", "", "..", "tab\there"], ids=["separator", "empty", "dotdot", "control"])
def test_keys_whose_text_is_no_safe_file_name_are_refused(kind, where, partition, rank_data, key):
    store = make_store(kind, partition, where)
    with pytest.raises(ValueError):
        store[key] = rank_data()
    with pytest.raises(ValueError):
        store[Step("x/../y")] = rank_data()  # the rules apply to the text, whatever the type
    assert len(store) == 0


def test_unhashable_keys_are_type_errors_as_in_a_dict(kind, where, partition, rank_data):
    store = make_store(kind, partition, where)
    with pytest.raises(TypeError, match="unhashable"):
        store[[499]] = rank_data()
    with pytest.raises(TypeError, match="unhashable"):
        [499] in store
    assert len(store) == 0
