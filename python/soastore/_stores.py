"""GenericIOStore and NumpyStore: drop-ins for haccytrees.utils.datastores."""

import atexit
import os
import threading
import weakref
from collections.abc import Mapping, MutableMapping

from . import _soastore
from ._lazy import NpzValue
from ._options import with_store_options
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

    Keys are what the reference takes: any hashable object whose text (``f"{key}"``, which the
    reference formats into the file name) is a safe file-name part, typically the integer
    snapshot step. The store keeps the caller's key objects and compares them as a dict does
    (``numpy.int64(499)`` and ``499`` are one key); the C++ store below knows each key by its
    text. Two different keys with the same text (``1`` and ``"1"``) would name one file, so on
    disk the second is refused with an InvalidKeyError (a ValueError) naming both; in memory both
    are kept, as in a dict.
    """

    def __init__(self, native):
        self._native = native
        self._on_disk = native.temporary_path is not None
        # Key object -> the name the native store knows it by (insertion order = dict order), and
        # back. The lock keeps the two in step with the native store across Python threads.
        self._names = {}
        self._keys_by_name = {}
        self._lock = threading.RLock()
        _OPEN_STORES.add(native)

    def _name_of(self, key):
        """The native name of a stored key; KeyError(key) as a dict raises when there is none."""
        try:
            return self._names[key]
        except KeyError:
            raise KeyError(key) from None

    def _new_name(self, key):
        """The native name for a key not stored yet: its text, as in the reference's file names."""
        name = f"{key}"
        other = self._keys_by_name.get(name, _MISSING)
        if other is _MISSING:
            return name
        if self._on_disk:
            raise _soastore.InvalidKeyError(f"store keys {other!r} ({type(other).__name__}) and {key!r} ({type(key).__name__}) "
                             f"differ but both read {name!r}: in {self.temporary_path!r} they would name the "
                             "same file, so the second is refused and nothing is overwritten")
        # In memory no file is named: any free native name will do, the caller never sees it.
        suffix = 1
        while f"{name}#{suffix}" in self._keys_by_name:
            suffix += 1
        return f"{name}#{suffix}"

    def __setitem__(self, key, data):
        """Stores the SoA ``data`` ({str: array-like}) under ``key``, replacing any earlier value."""
        data = _check_data(data)
        with self._lock:
            name = self._names.get(key)
            if name is None:
                name = self._new_name(key)
            self._native.set(name, data)
            if key not in self._names:
                self._names[key] = name
                self._keys_by_name[name] = key

    def __getitem__(self, key):
        """The SoA stored under ``key`` as a dict {str: numpy.ndarray}; KeyError if there is none."""
        with self._lock:
            return self._native.get(self._name_of(key))

    def __delitem__(self, key):
        self.remove(key)

    def _forget(self, key):
        del self._keys_by_name[self._names.pop(key)]

    def __contains__(self, key):
        return key in self._names

    def __iter__(self):
        # A snapshot: removing keys while iterating is fine.
        return iter(list(self._names))

    def __len__(self):
        return len(self._names)

    def get_field(self, key, field):
        """Only the arrays named by ``field`` (a str or a sequence of str) of the SoA at ``key``.

        On disk only their bytes are read. KeyError names a missing key or field.
        """
        fields = [field] if isinstance(field, str) else list(field)
        for name in fields:
            if not isinstance(name, str):
                raise TypeError(f"field names must be str, got {type(name).__name__} {name!r}")
        with self._lock:
            return self._native.get_field(self._name_of(key), fields)

    def pop(self, key, default=_MISSING):
        """The SoA at ``key`` as a dict of plain arrays, and the key is removed; ``default`` (if
        given) when there is none."""
        with self._lock:
            if default is not _MISSING and key not in self._names:
                return default
            value = self._native.pop(self._name_of(key))
            self._forget(key)
            return value

    def remove(self, key):
        """Deletes the SoA at ``key`` (from memory or disk); KeyError if there is none."""
        with self._lock:
            self._native.remove(self._name_of(key))
            self._forget(key)

    def flush(self):
        """Waits until every background write and remove (option ``background``) is done, and
        raises the first failure among them, typed as it happened (for GenericIOStore on every
        rank: call it on all ranks). Returns at once without background writes.

        The GIL is released while waiting, so the writer thread can drop the last reference to
        an array it wrote."""
        with self._lock:
            self._native.flush()

    def close(self):
        """Deletes the store's files (unless it keeps them) and forgets every key.

        The store stays usable. Dropping the last reference to a store does the same; neither
        waits for other ranks. ``with Store(...) as store:`` closes it at the end of the block.
        """
        with self._lock:
            self._native.close()
            self._names.clear()
            self._keys_by_name.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def temporary_path(self):
        """The file prefix the store writes to, or None in memory mode."""
        path = self._native.temporary_path
        return None if path is None else str(path)

    @property
    def settings(self):
        """The options the store runs with (given, else from the environment, else the defaults)."""
        return self._native.settings

    def stats(self):
        """What the store holds and has moved on this rank, as a dict: bytes and keys in memory
        and on disk, peak bytes in memory, spills and spill failures (option memory_budget),
        disk reads, and bytes and seconds written and read (docs/budget.md lists them). Not
        collective."""
        with self._lock:
            return self._native.stats()

    def __repr__(self):
        where = "in memory" if self.temporary_path is None else f"at {self.temporary_path!r}"
        return f"<soastore.{type(self).__name__} {where}, {len(self)} keys>"


@with_store_options
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
    {temporary_path_and_options}

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

    def __init__(self, partition, box_size, temporary_path=None, **options):
        super().__init__(_soastore.NativeGenericIOStore(native_partition(partition), float(box_size),
                                                        _temporary_path(temporary_path), options))

    @property
    def box_size(self):
        """float: the physical size of the volume."""
        return self._native.box_size


@with_store_options
class NumpyStore(_Store):
    """A temporary storage that uses numpy's .npz format to save data.

    The data is a dict of arrays {str: numpy.ndarray} of any lengths, shapes and dtypes (scalars
    are stored as 0-d arrays, as numpy.savez does). With ``temporary_path`` each rank writes key K
    to ``{temporary_path}_{K}.tmp.rank-{rank}.npz`` (numpy.load reads it); without it the arrays
    are kept in memory. Operations are local to each rank.

    On disk ``store[key]`` returns an :class:`NpzValue`, a lazy read-only mapping like the
    NpzFile the reference's numpy.load returns: ``store[key][name]`` reads that array alone.
    ``pop`` and ``get_field`` return plain dicts. In memory ``store[key]`` is a dict.

    Parameters
    ----------
    partition : soastore.Partition or mpipartition.Partition
        The MPI layout (any object with an mpi4py communicator as ``.comm``).
    {temporary_path_and_options}

    Examples
    --------
    >>> partition = soastore.Partition()
    >>> store = NumpyStore(partition, './tmp')
    >>> data = {x: np.random.uniform(10) for x in 'xyz'}
    >>> store['pos_0'] = data
    >>> data_0 = store['pos_0']
    >>> store.remove('pos_0')
    """

    def __init__(self, partition, temporary_path=None, **options):
        super().__init__(_soastore.NativeNumpyStore(native_partition(partition), _temporary_path(temporary_path),
                                                    options))

    def __getitem__(self, key):
        """The arrays stored under ``key``: on disk an NpzValue that reads each array when it is
        asked for (memory-mapped), in memory a dict; KeyError if there is none."""
        return self.open(key)

    def open(self, key, mmap=True):
        """``store[key]``, choosing how arrays are read on disk: memory-mapped from the file
        (``mmap=True``, zero copy) or read into fresh arrays (``mmap=False``)."""
        with self._lock:
            name = self._name_of(key)
            if not self._on_disk:
                return self._native.get(name)
            return NpzValue(self._native.open(name, bool(mmap)), key)
