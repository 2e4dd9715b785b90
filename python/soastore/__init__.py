"""soastore: temporary storage of Structure-of-Arrays data in MPI codes.

A drop-in replacement for ``haccytrees.utils.datastores``::

    from soastore import Partition, GenericIOStore, NumpyStore

plus pygio-style functions for GenericIO files and numpy ``.npz`` archives, all backed by
soastore's C++ library. Arrays cross between numpy and C++ without copies where memory allows.
"""

# mpi4py first: it initialises MPI (and finalises it at exit) before the extension uses MPI.
from mpi4py import MPI as _MPI  # noqa: F401

from . import _soastore
from ._soastore import (
    StoreWarning,
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

# soastore.Error and one class per error kind, as the extension made them from the C++ list of
# kinds (SOASTORE_ERROR_KINDS): a new kind needs no line here.
_ERRORS = {name: value for name, value in vars(_soastore).items()
           if isinstance(value, type) and issubclass(value, _soastore.Error)}
globals().update(_ERRORS)

__all__ = [
    "Partition",
    "GenericIOStore",
    "NumpyStore",
    "NpzValue",
    "StoreWarning",
    *_ERRORS,
    "read_genericio",
    "write_genericio",
    "inspect_genericio",
    "save_npz",
    "load_npz",
    "io_counters",
]
