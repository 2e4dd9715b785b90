"""soastore.Partition mirrors mpipartition.Partition, and stores take any partition-like object."""

import gc

import numpy as np
import pytest
from mpi4py import MPI

import soastore

COMM = MPI.COMM_WORLD


def test_properties_match_mpi():
    partition = soastore.Partition()
    dims = MPI.Compute_dims(COMM.size, [0, 0, 0])
    assert partition.rank == COMM.rank
    assert partition.nranks == COMM.size
    assert partition.dimensions == 3
    assert partition.decomposition == dims
    coords = partition.coordinates
    assert coords == partition.comm.Get_coords(partition.rank)
    assert partition.extent == pytest.approx([1.0 / d for d in dims])
    assert partition.origin == pytest.approx([c / d for c, d in zip(coords, dims)])


def test_comm_is_a_periodic_cartcomm_of_the_decomposition():
    partition = soastore.Partition()
    comm = partition.comm
    assert isinstance(comm, MPI.Cartcomm)
    assert comm is partition.comm
    assert comm.dims == partition.decomposition
    assert comm.periods == [True, True, True]
    assert comm.Get_rank() == COMM.rank
    assert comm.allreduce(1) == COMM.size
    # A duplicate: soastore's messages never mix with the caller's.
    assert MPI.Comm.Compare(comm, COMM) == MPI.CONGRUENT


def test_comm_stays_valid_after_the_partition_is_gone():
    comm = soastore.Partition().comm
    gc.collect()
    assert comm.allreduce(COMM.rank) == sum(range(COMM.size))


def test_dimensions_and_communicator_arguments():
    flat = soastore.Partition(2)
    assert flat.dimensions == 2 and flat.decomposition == MPI.Compute_dims(COMM.size, [0, 0])
    halves = COMM.Split(COMM.rank % 2, COMM.rank)
    try:
        partition = soastore.Partition(1, comm=halves)
        assert partition.nranks == halves.size and partition.rank == halves.rank
        assert partition.coordinates == [halves.rank]
    finally:
        halves.Free()


def test_a_partition_on_another_partitions_comm():
    inner = soastore.Partition(comm=soastore.Partition().comm)
    assert inner.decomposition == MPI.Compute_dims(COMM.size, [0, 0, 0])


def test_get_neighbor_is_periodic():
    partition = soastore.Partition()
    assert partition.get_neighbor([0, 0, 0]) == partition.rank
    dims = partition.decomposition
    coords = np.array(partition.coordinates)
    right = partition.get_neighbor([1, 0, 0])
    assert partition.comm.Get_coords(right) == [(coords[0] + 1) % dims[0], coords[1], coords[2]]


def test_bad_arguments():
    with pytest.raises(TypeError):
        soastore.Partition(2.0)
    with pytest.raises(ValueError, match="at least one dimension"):
        soastore.Partition(0)
    with pytest.raises(TypeError, match="mpi4py communicator"):
        soastore.Partition(comm="world")
    with pytest.raises(ValueError, match="COMM_NULL"):
        soastore.Partition(comm=MPI.COMM_NULL)


class ForeignPartition:
    """Stands for mpipartition.Partition: only .comm (an mpi4py Cartcomm) and .dimensions."""

    def __init__(self):
        self.dimensions = 3
        self.comm = COMM.Create_cart(MPI.Compute_dims(COMM.size, [0, 0, 0]), periods=[True] * 3)


@pytest.mark.parametrize("make_partition", [ForeignPartition, lambda: type("P", (), {"comm": COMM})()],
                         ids=["mpipartition-like", "comm-only"])
def test_stores_take_any_object_with_an_mpi4py_comm(make_partition):
    partition = make_partition()
    data = {"a": np.arange(4.0) + COMM.rank}
    for store in (soastore.GenericIOStore(partition, 1.0), soastore.NumpyStore(partition)):
        store["k"] = data
        assert store["k"]["a"] is data["a"]


def test_stores_refuse_objects_without_a_comm():
    with pytest.raises(TypeError, match=r"\.comm"):
        soastore.NumpyStore(object())
    with pytest.raises(TypeError, match=r"\.comm"):
        soastore.GenericIOStore(type("P", (), {"comm": 3})(), 1.0)
