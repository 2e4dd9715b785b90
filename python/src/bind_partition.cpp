// soastore._soastore.NativePartition: the C++ Partition behind soastore.Partition (see
// soastore/_partition.py for the Python class users see).

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "communicator.hpp"
#include "soastore/partition.hpp"

namespace soastore::python {

void bind_partition(py::module_& module) {
  py::class_<Partition>(module, "NativePartition",
                        "A periodic Cartesian decomposition of the unit cube over a duplicate of `comm`.")
      .def(py::init([](py::handle comm, int dimensions) {
             const MPI_Comm parent = comm_from_python(comm);
             // Collective (MPI_Comm_dup / MPI_Cart_create): other Python threads may run meanwhile.
             py::gil_scoped_release release;
             return Partition(parent, dimensions);
           }),
           py::arg("comm"), py::arg("dimensions") = 3)
      .def_property_readonly("rank", &Partition::rank)
      .def_property_readonly("nranks", &Partition::nranks)
      .def_property_readonly("dimensions", &Partition::dimensions)
      .def_property_readonly("decomposition", &Partition::decomposition)
      .def_property_readonly("coordinates", &Partition::coordinates)
      .def_property_readonly("origin", &Partition::origin)
      .def_property_readonly("extent", &Partition::extent)
      .def("neighbor", [](const Partition& partition, const std::vector<int>& offsets) { return partition.neighbor(offsets); },
           py::arg("offsets"), "Rank of the neighbour at coordinates + offsets (periodic).")
      .def("communicator", [](const Partition& partition) { return comm_to_python(partition.comm()); },
           "A plain mpi4py.MPI.Comm on the partition's Cartesian communicator; valid while the partition lives.");
}

}  // namespace soastore::python
