"""soastore: temporary storage of Structure-of-Arrays data in MPI codes.

A drop-in replacement for ``haccytrees.utils.datastores``::

    from soastore import Partition, GenericIOStore, NumpyStore

plus pygio-style functions for GenericIO files and numpy ``.npz`` archives, all backed by
soastore's C++ library. Arrays cross between numpy and C++ without copies where memory allows.
"""

# mpi4py first: it initialises MPI (and finalises it at exit) before the extension uses MPI.
from mpi4py import MPI as _MPI  # noqa: F401

from ._soastore import (
    CorruptFileError,
    Error,
    InvalidDataError,
    InvalidKeyError,
    KeyNotFoundError,
    LayoutMismatchError,
    inspect_genericio,
    io_counters,
    load_npz,
    read_genericio,
    save_npz,
    write_genericio,
)
from ._lazy import NpzValue
from ._partition import Partition
from ._stores import GenericIOStore, NumpyStore

__all__ = [
    "Partition",
    "GenericIOStore",
    "NumpyStore",
    "NpzValue",
    "Error",
    "KeyNotFoundError",
    "InvalidKeyError",
    "InvalidDataError",
    "CorruptFileError",
    "LayoutMismatchError",
    "read_genericio",
    "write_genericio",
    "inspect_genericio",
    "save_npz",
    "load_npz",
    "io_counters",
]
