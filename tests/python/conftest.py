"""Fixtures for the soastore Python tests. Every rank of the MPI job runs the same tests in the
same order, so collective calls inside a test meet; helpers here keep the ranks in step."""

import os
import pathlib
import shutil
import tempfile

import numpy as np
import pytest
from mpi4py import MPI

import soastore

COMM = MPI.COMM_WORLD


def shared_dir():
    """../shared next to the repository (SOASTORE_SHARED_DIR overrides), as the C++ tests do."""
    default = pathlib.Path(__file__).resolve().parents[3] / "shared"
    return pathlib.Path(os.environ.get("SOASTORE_SHARED_DIR", default))


def genericio_vector(name):
    return shared_dir() / "testdata" / "genericio" / name


@pytest.fixture(scope="session")
def partition():
    return soastore.Partition()


@pytest.fixture
def scratch():
    """A fresh directory, the same on every rank, removed after every rank is done with it."""
    path = tempfile.mkdtemp(prefix="soastore-py-") if COMM.rank == 0 else None
    path = pathlib.Path(COMM.bcast(path, root=0))
    yield path
    COMM.Barrier()
    if COMM.rank == 0:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def rank_data():
    """A function making this rank's SoA: rows differ between ranks (rank 1 has none)."""

    def make(seed=0):
        rows = 0 if COMM.rank == 1 else 5 + 3 * COMM.rank
        base = 1000 * COMM.rank + 100000 * seed + np.arange(rows)
        return {
            "x": (base % 256 + 0.25).astype(np.float32),
            "id": base.astype(np.int64),
            "mass": -base - 0.125,
        }

    return make


def takes_o_direct(directory):
    """Whether the file system of `directory` opens files with O_DIRECT (tmpfs refuses)."""
    probe = directory / f"probe{COMM.rank}"
    probe.write_bytes(b"x")
    try:
        os.close(os.open(probe, os.O_RDONLY | os.O_DIRECT))
        return True
    except OSError:
        return False


def assert_soa_equal(actual, expected):
    """Same names in the same order, same dtypes and bit-identical values. ``actual`` is a dict,
    or the lazy NpzValue a NumpyStore on disk returns for ``store[key]``."""
    assert isinstance(actual, (dict, soastore.NpzValue))
    assert list(actual) == list(expected)
    for name, array in expected.items():
        array = np.asarray(array)
        assert actual[name].dtype == array.dtype.newbyteorder("="), name
        assert actual[name].shape == array.shape, name
        np.testing.assert_array_equal(actual[name], array, err_msg=name)
