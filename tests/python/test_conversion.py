"""Input the reference (pygio) gets wrong is stored right: strided and reversed views, foreign
byte order, Fortran order and unaligned arrays are stored by value (a contiguous native copy);
everything else is stored as it is."""

import numpy as np
import pytest

import soastore

SUPPORTED = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
             np.float16, np.float32, np.float64, np.complex64, np.complex128]


@pytest.fixture
def store(partition):
    return soastore.NumpyStore(partition)


@pytest.mark.parametrize("view", [
    lambda a: a[::2],
    lambda a: a[::-1],
    lambda a: a[1::3][::-1],
], ids=["every-second", "reversed", "strided-reversed"])
def test_non_contiguous_views_are_stored_by_value(store, view):
    original = np.arange(20.0)
    data = view(original)
    store["k"] = {"a": data}
    result = store["k"]["a"]
    np.testing.assert_array_equal(result, data)
    assert result.flags.c_contiguous
    assert not np.shares_memory(result, original)


@pytest.mark.parametrize("dtype", [">f4", ">i8", ">u2", ">c16", "<f8"])
def test_foreign_byte_order_is_stored_by_value(store, dtype):
    data = np.arange(-5, 5).astype(dtype)
    store["k"] = {"a": data}
    result = store["k"]["a"]
    assert result.dtype.isnative and result.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(result, data)


def test_genericio_store_takes_views_and_foreign_byte_order_by_value(partition):
    store = soastore.GenericIOStore(partition, 1.0)
    base = np.arange(10, dtype=np.float32)
    store["k"] = {"even": base[::2], "reversed": base[:5][::-1], "big": np.arange(5).astype(">i4")}
    result = store["k"]
    np.testing.assert_array_equal(result["even"], [0, 2, 4, 6, 8])
    np.testing.assert_array_equal(result["reversed"], [4, 3, 2, 1, 0])
    np.testing.assert_array_equal(result["big"], np.arange(5))


def test_fortran_order_is_stored_by_value(store):
    data = np.asfortranarray(np.arange(12).reshape(3, 4))
    store["k"] = {"a": data}
    result = store["k"]["a"]
    assert result.flags.c_contiguous
    np.testing.assert_array_equal(result, data)


def test_unaligned_arrays_are_stored_by_value(store):
    raw = np.zeros(8 * 10 + 1, np.uint8)
    data = raw[1:].view(np.float64)
    data[:] = np.arange(10.0)
    assert not data.flags.aligned
    store["k"] = {"a": data}
    np.testing.assert_array_equal(store["k"]["a"], np.arange(10.0))
    assert store["k"]["a"].flags.aligned


@pytest.mark.parametrize("dtype", SUPPORTED)
def test_every_supported_dtype_round_trips(store, dtype):
    data = np.arange(7).astype(dtype)
    store["k"] = {"a": data}
    result = store["k"]["a"]
    assert result is data and result.dtype == np.dtype(dtype)


@pytest.mark.parametrize("value", [
    np.array(["a", "b"]),
    np.array([b"a"]),
    np.array([object(), 1], dtype=object),
    np.array(["2020-01-01"], dtype="datetime64[D]"),
    np.zeros(2, dtype=[("a", "f4"), ("b", "i4")]),
    np.zeros(2, dtype=np.longdouble),
], ids=["str", "bytes", "object", "datetime", "structured", "longdouble"])
def test_unsupported_dtypes_are_type_errors_naming_the_field(store, value):
    with pytest.raises(TypeError, match="field 'bad'"):
        store["k"] = {"bad": value}
    assert "k" not in store


def test_subclasses_of_ndarray_are_stored_as_plain_arrays(store):
    masked = np.ma.masked_array(np.arange(4.0), mask=[0, 1, 0, 0])
    store["k"] = {"a": masked}
    result = store["k"]["a"]
    assert type(result) is np.ndarray
    np.testing.assert_array_equal(result, masked.data)
