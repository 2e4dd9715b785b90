"""The docstring examples of haccytrees.utils.datastores, run as written with
soastore.Partition() in place of mpipartition.Partition().

In them `np.random.uniform(10)` is a scalar (a draw from [10, 1)), not ten values: NumpyStore
stores scalars as 0-d arrays, as numpy.savez does; GenericIOStore refuses them with a ValueError
saying GenericIO needs 1-D arrays. The same examples with ten values per array work in both.
"""

import numpy as np
import pytest

import soastore
from soastore import GenericIOStore, NumpyStore


class mpipartition:  # noqa: N801 - stands for the module the examples import
    Partition = soastore.Partition


@pytest.fixture(params=["./tmp", None], ids=["disk", "memory"])
def temporary_path(request, scratch, monkeypatch):
    monkeypatch.chdir(scratch)  # './tmp' is relative to the working directory
    return request.param


def test_numpy_store_example_as_written(temporary_path):
    # Creating a partition
    partition = mpipartition.Partition()
    # Creating a store
    store = NumpyStore(partition, temporary_path)
    data = {x: np.random.uniform(10) for x in 'xyz'}
    store['pos_0'] = data
    # Do some memory-expensive stuff until you need the data again...
    data_0 = store['pos_0']
    # Cleanup
    store.remove('pos_0')

    assert list(data_0) == ['x', 'y', 'z']
    for x in 'xyz':
        assert data_0[x].shape == () and data_0[x] == data[x]
    assert 'pos_0' not in store


def test_genericio_store_example_as_written_refuses_scalars(temporary_path):
    # Creating a partition
    partition = mpipartition.Partition()
    # Creating a store
    store = GenericIOStore(partition, 1.0, temporary_path)
    data = {x: np.random.uniform(10) for x in 'xyz'}
    with pytest.raises(ValueError, match="1-D"):
        store['pos_0'] = data
    del data
    with pytest.raises(KeyError):
        store['pos_0']


@pytest.mark.parametrize("make_store", [lambda p, t: GenericIOStore(p, 1.0, t), NumpyStore],
                         ids=["GenericIOStore", "NumpyStore"])
def test_examples_with_ten_values_per_array(temporary_path, make_store):
    partition = mpipartition.Partition()
    store = make_store(partition, temporary_path)
    data = {x: np.random.uniform(size=10) for x in 'xyz'}
    expected = {x: a.copy() for x, a in data.items()}
    store['pos_0'] = data
    del data
    data_0 = store['pos_0']
    store.remove('pos_0')
    for x in 'xyz':
        np.testing.assert_array_equal(data_0[x], expected[x])
    assert len(store) == 0
