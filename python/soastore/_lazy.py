"""NpzValue: a NumpyStore value on disk, read one array at a time (as numpy.load's NpzFile)."""

from collections.abc import Mapping


class NpzValue(Mapping):
    """The arrays of one NumpyStore key, read from its .npz archive when asked for.

    What ``NumpyStore[key]`` returns on disk, in the place of the ``numpy.lib.npyio.NpzFile``
    the reference's ``numpy.load`` gives: a read-only mapping whose ``value[name]`` reads and
    CRC-checks that array's bytes alone, so a loop over fields pays for the fields it reads.
    ``keys()``, ``files`` (the names, as NpzFile has), ``in``, ``len``, iteration and ``items()``
    work as for NpzFile.

    Arrays are memory-mapped from the file where they are aligned (the store writes them so), so
    reading one copies nothing; ``NumpyStore.open(key, mmap=False)`` reads plain copies instead.
    The value holds the archive open: it stays readable after the key is removed or overwritten
    (it reads the file it opened), until ``close()``, the end of a ``with`` block, or garbage
    collection closes it. Arrays already read stay valid after that.
    """

    def __init__(self, native, key):
        self._native = native
        self._key = key
        self._names = native.names()

    @property
    def files(self):
        """The array names, in the stored order (a list, as NpzFile.files)."""
        return list(self._names)

    def __getitem__(self, name):
        if self._native.closed:
            raise ValueError(f"the value of key {self._key!r} was closed")
        if name not in self._names:
            raise KeyError(f"{name!r} is not an array of key {self._key!r}")
        return self._native.read(name)

    def __contains__(self, name):
        return name in self._names

    def __iter__(self):
        return iter(self._names)

    def __len__(self):
        return len(self._names)

    def close(self):
        """Closes the archive; reading more arrays raises ValueError."""
        self._native.close()

    @property
    def closed(self):
        return self._native.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        state = "closed" if self.closed else "open"
        return f"<soastore.NpzValue of key {self._key!r}, {state}, arrays {self._names}>"
