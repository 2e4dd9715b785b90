#include "communicator.hpp"

// mpi4py's API header defines its function pointers as statics of each translation unit that
// includes it, so it is included here only, and import_mpi4py() fills this unit's copies.
#include <mpi4py/mpi4py.h>

#include <string>

#include "bindings.hpp"

namespace soastore::python {

void import_mpi4py_api() {
  // Importing mpi4py.MPI also initialises MPI (and has mpi4py finalise it at exit), so MPI is
  // up before any Partition is made, as with mpipartition.
  if (import_mpi4py() < 0) throw py::error_already_set();
}

MPI_Comm comm_from_python(py::handle comm) {
  if (comm.is_none()) return MPI_COMM_WORLD;
  if (!PyObject_TypeCheck(comm.ptr(), &PyMPIComm_Type)) {
    throw py::type_error("expected an mpi4py communicator (mpi4py.MPI.Comm), got " +
                         std::string(py::str(py::type::handle_of(comm).attr("__name__"))));
  }
  MPI_Comm* handle = PyMPIComm_Get(comm.ptr());
  if (handle == nullptr) throw py::error_already_set();
  if (*handle == MPI_COMM_NULL) throw py::value_error("the communicator is MPI.COMM_NULL");
  return *handle;
}

py::object comm_to_python(MPI_Comm comm) {
  PyObject* object = PyMPIComm_New(comm);
  if (object == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(object);
}

}  // namespace soastore::python
