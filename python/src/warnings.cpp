#include "bindings.hpp"
#include "soastore/warnings.hpp"

namespace soastore::python {

void bind_warnings(py::module_& module) {
  // Kept for the life of the process (never released): the handler may outlive the module
  // object's references, and must not touch reference counts after the interpreter is gone.
  PyObject* warning_class = PyErr_NewExceptionWithDoc(
      "soastore.StoreWarning",
      "Something a caller should hear of although the call succeeded, e.g. a spill to disk that failed\n"
      "(its value stays in memory; stats()['spill_failures'] counts them).",
      PyExc_RuntimeWarning, nullptr);
  if (warning_class == nullptr) throw py::error_already_set();
  module.add_object("StoreWarning", py::handle(warning_class));
  Py_INCREF(warning_class);
  set_warning_handler([warning_class](const std::string& message) {
    if (Py_IsInitialized() == 0) return;
    const py::gil_scoped_acquire gil;
    // A filter may turn the warning into an exception; it cannot travel through the C++ store
    // operation that warned, and the operation itself succeeded, so it is dropped.
    if (PyErr_WarnEx(warning_class, message.c_str(), 1) != 0) PyErr_Clear();
  });
}

}  // namespace soastore::python
