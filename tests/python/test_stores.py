"""The mapping interface of GenericIOStore and NumpyStore, in memory mode (the same code serves
disk mode; test_disk_stores.py covers the files)."""

import numpy as np
import pytest
from mpi4py import MPI

import soastore
from conftest import assert_soa_equal

COMM = MPI.COMM_WORLD
STORES = {
    "GenericIOStore": lambda partition: soastore.GenericIOStore(partition, 1.0),
    "NumpyStore": lambda partition: soastore.NumpyStore(partition),
}


@pytest.fixture(params=list(STORES))
def store(request, partition):
    return STORES[request.param](partition)


def test_set_and_get_round_trip(store, rank_data):
    data = rank_data()
    store["pos_0"] = data
    result = store["pos_0"]
    assert type(result) is dict
    assert_soa_equal(result, data)


def test_get_field_with_a_name_or_a_list(store, rank_data):
    store["k"] = rank_data()
    assert list(store.get_field("k", "mass")) == ["mass"]
    assert list(store.get_field("k", ["mass", "x"])) == ["mass", "x"]
    assert list(store.get_field("k", ("id",))) == ["id"]
    with pytest.raises(KeyError, match="'nope'"):
        store.get_field("k", ["x", "nope"])
    with pytest.raises(KeyError):
        store.get_field("other", "x")
    with pytest.raises(TypeError):
        store.get_field("k", ["x", 3])


def test_pop_and_remove(store, rank_data):
    data = rank_data()
    store["a"] = data
    store["b"] = data
    assert_soa_equal(store.pop("a"), data)
    assert "a" not in store
    with pytest.raises(KeyError):
        store.pop("a")
    assert store.pop("a", None) is None
    store.remove("b")
    assert len(store) == 0
    with pytest.raises(KeyError, match="'b'"):
        store.remove("b")


def test_mapping_protocol(store, rank_data):
    data = rank_data()
    for key in ("c", "a", "b"):
        store[key] = data
    assert len(store) == 3
    assert list(store) == ["c", "a", "b"]
    assert list(store.keys()) == ["c", "a", "b"]
    assert "a" in store and "z" not in store and 3 not in store
    store["a"] = rank_data(seed=1)  # replacing keeps the position, as in a dict
    assert list(store) == ["c", "a", "b"]
    assert_soa_equal(store["a"], rank_data(seed=1))
    del store["c"]
    assert list(store) == ["a", "b"]
    with pytest.raises(KeyError):
        del store["c"]
    assert store.get("zzz") is None
    assert [k for k, _ in store.items()] == ["a", "b"]
    for key in store:  # iteration works on a snapshot: removing is fine
        store.remove(key)
    assert len(store) == 0
    assert store.temporary_path is None


def test_missing_key_is_a_key_error(store):
    with pytest.raises(KeyError, match="'missing'"):
        store["missing"]


@pytest.mark.parametrize("key", ["", "a/b", "..", "x\0y", "k" * 201])
def test_keys_that_would_not_be_safe_file_names_are_value_errors(store, key):
    with pytest.raises(ValueError):
        store[key] = {"a": np.zeros(2)}
    assert len(store) == 0


def test_wrong_python_types_are_type_errors(store):
    # Keys are any hashable objects (test_keys.py), so only unhashable ones are refused, as by a dict.
    with pytest.raises(TypeError, match="unhashable"):
        store[["k"]] = {"a": np.zeros(2)}
    with pytest.raises(TypeError, match="unhashable"):
        store[["k"]]
    with pytest.raises(TypeError, match="mapping"):
        store["k"] = [np.zeros(2)]
    with pytest.raises(TypeError, match="field names must be str"):
        store["k"] = {1: np.zeros(2)}
    with pytest.raises(TypeError, match="not supported"):
        store["k"] = {"a": np.array(["text"])}
    with pytest.raises(TypeError, match="not supported"):
        store["k"] = {"a": np.array([object()])}
    assert len(store) == 0


def test_array_likes_are_converted(store):
    store["k"] = {"a": [1, 2, 3], "b": np.arange(3, dtype=np.uint16)}
    result = store["k"]
    assert result["a"].dtype == np.int64 and result["a"].tolist() == [1, 2, 3]


def test_empty_arrays_and_empty_soa(store):
    store["empty"] = {"a": np.zeros(0, np.float32)}
    assert store["empty"]["a"].shape == (0,) and store["empty"]["a"].dtype == np.float32
    store["nothing"] = {}
    assert store["nothing"] == {}


def test_numpy_store_keeps_any_shape_and_dtype(partition):
    store = soastore.NumpyStore(partition)
    data = {
        "scalar": np.float64(3.5),
        "python_scalar": 7,
        "matrix": np.arange(12, dtype=np.int8).reshape(3, 4),
        "flags": np.array([True, False]),
        "half": np.arange(5, dtype=np.float16),
        "z": np.arange(4) * (1 + 2j),
        "z64": np.arange(4, dtype=np.complex64),
        "u64": np.array([2**64 - 1], dtype=np.uint64),
        "ragged": np.arange(COMM.rank * 7),
    }
    store["k"] = data
    result = store["k"]
    assert result["scalar"].shape == () and result["scalar"] == 3.5
    assert result["python_scalar"].shape == () and result["python_scalar"] == 7
    for name in data:
        np.testing.assert_array_equal(result[name], np.asarray(data[name]), err_msg=name)
        assert result[name].dtype == np.asarray(data[name]).dtype


@pytest.mark.parametrize("bad, message", [
    (np.float64(1.0), "1-D"),
    (np.zeros((2, 2)), "1-D"),
    (np.zeros(3, np.complex128), "complex128"),
    (np.zeros(3, np.bool_), "bool"),
    (np.zeros(3, np.float16), "float16"),
])
def test_genericio_store_refuses_what_genericio_cannot_hold(partition, bad, message):
    store = soastore.GenericIOStore(partition, 1.0)
    with pytest.raises(ValueError, match=message):
        store["k"] = {"ok": np.zeros(np.asarray(bad).size), "bad": bad}
    assert "k" not in store


def test_genericio_store_refuses_unequal_lengths(partition):
    store = soastore.GenericIOStore(partition, 1.0)
    with pytest.raises(ValueError, match="one length"):
        store["k"] = {"a": np.zeros(3), "b": np.zeros(4)}


def test_genericio_store_agrees_when_one_rank_has_bad_data(partition):
    store = soastore.GenericIOStore(partition, 1.0)
    bad = np.zeros((2, 2)) if COMM.rank == COMM.size - 1 else np.zeros(4)
    with pytest.raises(ValueError, match="1-D"):
        store["k"] = {"a": bad}
    assert "k" not in store and len(store) == 0


def test_box_size_and_repr(partition):
    store = soastore.GenericIOStore(partition, 250)
    assert store.box_size == 250.0
    assert "in memory" in repr(store)
