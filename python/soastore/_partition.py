"""soastore.Partition: the MPI layout of a job, with mpipartition.Partition's interface."""

import operator

from mpi4py import MPI

from . import _soastore


class _PartitionComm(MPI.Cartcomm):
    """The partition's Cartesian communicator.

    mpi4py only wraps the MPI handle, which the partition's C++ state owns (and frees when the
    last user goes away); holding that state here keeps the handle valid for as long as this
    communicator object is used, even after the Partition itself is gone.
    """

    def __new__(cls, native):
        comm = super().__new__(cls, native.communicator())
        comm._native = native
        return comm


class Partition:
    """A periodic Cartesian decomposition of the unit cube over the ranks of a communicator.

    Mirrors ``mpipartition.Partition``: ``rank``, ``nranks``, ``comm`` (an ``mpi4py.MPI.Cartcomm``),
    ``dimensions``, ``decomposition``, ``coordinates``, ``origin``, ``extent`` and
    ``get_neighbor``. Creating one is collective over ``comm``.

    Parameters
    ----------
    dimensions : int
        Number of dimensions of the decomposed cube. Default: 3.
    comm : mpi4py.MPI.Intracomm, optional
        The ranks to decompose over (the partition works on a duplicate of it).
        Default: ``MPI.COMM_WORLD``.
    """

    def __init__(self, dimensions=3, *, comm=None):
        self._native = _soastore.NativePartition(comm, operator.index(dimensions))
        self._comm = _PartitionComm(self._native)

    @property
    def rank(self):
        """int: this process's rank in the partition's communicator."""
        return self._native.rank

    @property
    def nranks(self):
        """int: the number of ranks."""
        return self._native.nranks

    @property
    def comm(self):
        """mpi4py.MPI.Cartcomm: the periodic Cartesian communicator of the decomposition."""
        return self._comm

    @property
    def dimensions(self):
        """int: dimensions of the decomposed cube."""
        return self._native.dimensions

    @property
    def decomposition(self):
        """list[int]: ranks along each dimension (MPI_Dims_create)."""
        return self._native.decomposition

    @property
    def coordinates(self):
        """list[int]: this rank's position in the decomposition."""
        return self._native.coordinates

    @property
    def origin(self):
        """list[float]: the lower corner of this rank's subvolume of the unit cube."""
        return self._native.origin

    @property
    def extent(self):
        """list[float]: the size of each rank's subvolume along each dimension."""
        return self._native.extent

    def get_neighbor(self, di):
        """The rank at relative position ``di`` (one offset per dimension; periodic)."""
        return self._native.neighbor(list(di))

    def __repr__(self):
        return (f"soastore.Partition(rank={self.rank}, nranks={self.nranks}, "
                f"decomposition={self.decomposition})")


def native_partition(partition):
    """The C++ partition for any object that has an mpi4py communicator as ``.comm``.

    A soastore.Partition gives its own; for others (``mpipartition.Partition`` included) one is
    built, collectively, on their communicator with their ``dimensions`` (default 3).
    """
    native = getattr(partition, "_native", None)
    if isinstance(native, _soastore.NativePartition):
        return native
    comm = getattr(partition, "comm", None)
    if not isinstance(comm, MPI.Comm):
        raise TypeError("partition must have an mpi4py communicator as .comm (like soastore.Partition "
                        f"or mpipartition.Partition), got {type(partition).__name__}")
    return _soastore.NativePartition(comm, getattr(partition, "dimensions", 3))
