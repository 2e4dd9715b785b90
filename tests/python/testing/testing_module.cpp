// soastore_testing: hooks for the Python tests only, built into the build tree and never
// installed, so that the shipped package carries no test code.
//
// raise_error throws a soastore::Error of any kind with any details, so the tests can check
// every Python mapping (ENOSPC included) without filling a disk. The exception crosses into
// the soastore extension's translator, which pybind11 registers for every module.

#include <pybind11/pybind11.h>

#include "soastore/errors.hpp"

namespace py = pybind11;

PYBIND11_MODULE(soastore_testing, module) {
  module.doc() = "Test hooks for soastore's Python tests (not part of the package).";
  py::enum_<soastore::ErrorKind> kinds(module, "ErrorKind");
  kinds.value("Generic", soastore::ErrorKind::Generic);
#define SOASTORE_TESTING_KIND(Class, PythonName, PythonBase, Description) kinds.value(#Class, soastore::ErrorKind::Class);
  SOASTORE_ERROR_KINDS(SOASTORE_TESTING_KIND)
#undef SOASTORE_TESTING_KIND
  module.def(
      "raise_error",
      [](soastore::ErrorKind kind, const std::string& message, int error_number, const std::string& path, int rank) {
        soastore::throw_error(kind, message, {error_number, path, rank});
      },
      py::arg("kind"), py::arg("message"), py::arg("errno") = 0, py::arg("path") = "", py::arg("rank") = -1);
}
