#pragma once
// The parts of the extension module `soastore._soastore`; module.cpp calls each once.

#include <pybind11/pybind11.h>

namespace soastore::python {

namespace py = pybind11;

// soastore.Error and a class per error kind, and the translation of every soastore::Error.
void bind_errors(py::module_& module);
// soastore.StoreWarning, and C++ warnings (soastore/warnings.hpp) issued as Python warnings of it.
void bind_warnings(py::module_& module);
// mpi4py's C API; must run before any communicator crosses (import_mpi4py).
void import_mpi4py_api();
void bind_partition(py::module_& module);
void bind_stores(py::module_& module);
void bind_formats(py::module_& module);

}  // namespace soastore::python
