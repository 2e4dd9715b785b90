"""GenericIOStore and NumpyStore: drop-ins for haccytrees.utils.datastores."""

import atexit
import os
import weakref
from collections.abc import Mapping, MutableMapping

from . import _soastore
from ._partition import native_partition

_MISSING = object()

# The native stores still alive, closed at interpreter exit (before mpi4py finalises MPI, as
# atexit runs handlers in reverse order of registration) so that their files go even if a store
# stays referenced. (The natives, not the mappings: a Mapping is unhashable.)
_OPEN_STORES = weakref.WeakSet()


@atexit.register
def _close_open_stores():
    for native in list(_OPEN_STORES):
        native.close()


def _check_key(key):
    if not isinstance(key, str):
        raise TypeError(f"store keys must be str, got {type(key).__name__} {key!r}")
    return key


def _check_data(data):
    if not isinstance(data, Mapping):
        raise TypeError(f"data must be a mapping {{str: numpy.ndarray}}, got {type(data).__name__}")
    return data


def _temporary_path(path):
    return None if path is None else os.fspath(path)


class _Store(MutableMapping):
    """A dictionary of Structure-of-Arrays: ``store[key] = {name: ndarray}``.

    Besides the mapping protocol (``in``, ``len``, iteration, ``keys()``, ``del store[key]``,
    ``get``, ``items``, ...) it has the reference's ``get_field``, ``pop`` and ``remove``.
    Values read back are plain ``dict`` objects of ``numpy.ndarray``.
    """

    def __init__(self, native):
        self._native = native
        _OPEN_STORES.add(native)

    def __setitem__(self, key, data):
        """Stores the SoA ``data`` ({str: array-like}) under ``key``, replacing any earlier value."""
        self._native.set(_check_key(key), _check_data(data))

    def __getitem__(self, key):
        """The SoA stored under ``key`` as a dict {str: numpy.ndarray}; KeyError if there is none."""
        return self._native.get(_check_key(key))

    def __delitem__(self, key):
        self._native.remove(_check_key(key))

    def __contains__(self, key):
        return isinstance(key, str) and self._native.contains(key)

    def __iter__(self):
        # A snapshot: removing keys while iterating is fine.
        return iter(self._native.keys())

    def __len__(self):
        return self._native.size()

    def get_field(self, key, field):
        """Only the arrays named by ``field`` (a str or a sequence of str) of the SoA at ``key``.

        On disk only their bytes are read. KeyError names a missing key or field.
        """
        fields = [field] if isinstance(field, str) else list(field)
        for name in fields:
            if not isinstance(name, str):
                raise TypeError(f"field names must be str, got {type(name).__name__} {name!r}")
        return self._native.get_field(_check_key(key), fields)

    def pop(self, key, default=_MISSING):
        """The SoA at ``key``, which is removed; ``default`` (if given) when there is none."""
        if default is not _MISSING and key not in self:
            return default
        return self._native.pop(_check_key(key))

    def remove(self, key):
        """Deletes the SoA at ``key`` (from memory or disk); KeyError if there is none."""
        self._native.remove(_check_key(key))

    def close(self):
        """Deletes the store's files (unless it keeps them) and forgets every key.

        The store stays usable. Dropping the last reference to a store does the same; neither
        waits for other ranks. ``with Store(...) as store:`` closes it at the end of the block.
        """
        self._native.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def temporary_path(self):
        """The file prefix the store writes to, or None in memory mode."""
        path = self._native.temporary_path
        return None if path is None else str(path)

    def __repr__(self):
        where = "in memory" if self.temporary_path is None else f"at {self.temporary_path!r}"
        return f"<soastore.{type(self).__name__} {where}, {len(self)} keys>"


class GenericIOStore(_Store):
    """A temporary storage that uses GenericIO to save data.

    The data has to be a Structure-of-Arrays (a dict {str: numpy.ndarray}) of 1-D arrays of one
    length (lengths may differ between ranks). With ``temporary_path`` each key is written
    collectively to the GenericIO file ``{temporary_path}_{key}.tmp.gio``; without it the arrays
    are kept in memory (the caller's arrays themselves, no copy). Every operation is collective:
    all ranks call it with the same key.

    Parameters
    ----------
    partition : soastore.Partition or mpipartition.Partition
        The MPI layout (any object with an mpi4py communicator as ``.comm``).
    box_size : float
        The physical size of the volume (the files' physical scale).
    temporary_path : str or os.PathLike, optional
        The base path of the temporary files; None keeps the data in memory.
    keep_files : bool, keyword-only
        Leave the files on disk when the store is closed or dropped (default: delete them).

    Examples
    --------
    >>> partition = soastore.Partition()
    >>> store = GenericIOStore(partition, 1.0, './tmp')
    >>> data = {x: np.random.uniform(size=10) for x in 'xyz'}
    >>> store['pos_0'] = data
    >>> del data
    >>> data_0 = store['pos_0']
    >>> store.remove('pos_0')
    """

    def __init__(self, partition, box_size, temporary_path=None, *, keep_files=False):
        super().__init__(_soastore.NativeGenericIOStore(native_partition(partition), float(box_size),
                                                        _temporary_path(temporary_path), bool(keep_files)))

    @property
    def box_size(self):
        """float: the physical size of the volume."""
        return self._native.box_size


class NumpyStore(_Store):
    """A temporary storage that uses numpy's .npz format to save data.

    The data is a dict of arrays {str: numpy.ndarray} of any lengths, shapes and dtypes (scalars
    are stored as 0-d arrays, as numpy.savez does). With ``temporary_path`` each rank writes key K
    to ``{temporary_path}_{K}.tmp.rank-{rank}.npz`` (numpy.load reads it); without it the arrays
    are kept in memory. Operations are local to each rank.

    Parameters
    ----------
    partition : soastore.Partition or mpipartition.Partition
        The MPI layout (any object with an mpi4py communicator as ``.comm``).
    temporary_path : str or os.PathLike, optional
        The base path of the temporary files; None keeps the data in memory.
    keep_files : bool, keyword-only
        Leave the files on disk when the store is closed or dropped (default: delete them).

    Examples
    --------
    >>> partition = soastore.Partition()
    >>> store = NumpyStore(partition, './tmp')
    >>> data = {x: np.random.uniform(10) for x in 'xyz'}
    >>> store['pos_0'] = data
    >>> data_0 = store['pos_0']
    >>> store.remove('pos_0')
    """

    def __init__(self, partition, temporary_path=None, *, keep_files=False):
        super().__init__(_soastore.NativeNumpyStore(native_partition(partition), _temporary_path(temporary_path),
                                                    bool(keep_files)))
