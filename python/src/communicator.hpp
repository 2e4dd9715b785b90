#pragma once
// mpi4py communicators <-> MPI_Comm, through mpi4py's C API.

#include <mpi.h>
#include <pybind11/pybind11.h>

namespace soastore::python {

// The MPI_Comm of an mpi4py communicator (MPI_COMM_WORLD for None); TypeError for anything else.
MPI_Comm comm_from_python(pybind11::handle comm);
// A new mpi4py.MPI.Comm wrapping `comm` (no duplicate: the caller keeps `comm` alive).
pybind11::object comm_to_python(MPI_Comm comm);

}  // namespace soastore::python
