// soastore::Error -> Python exceptions, generated from the one list of error kinds
// (SOASTORE_ERROR_KINDS in soastore/errors.hpp). Every kind becomes soastore.<Name>, a subclass
// of soastore.Error and of the builtin Python code expects (KeyError for a missing key or field,
// ValueError for data or keys a store refuses, OSError for corrupt files, ...), carrying the
// error's details as .errno, .path and .rank (None when not known). IoError is raised as the
// builtin OSError itself, which picks the subclass os functions raise for its errno
// (FileNotFoundError, PermissionError, ...) and sets .errno, .strerror and .filename.

#include <array>
#include <exception>

#include "bindings.hpp"
#include "soastore/errors.hpp"

namespace soastore::python {
namespace {

struct PythonErrorClass {
  ErrorKind kind;
  const char* name;  // empty: raise the builtin base itself
  PyObject* base;
  const char* doc;
  // The class, once bind_errors made it. It lives as long as the process: a translator may run
  // during interpreter shutdown, after the module's globals are gone.
  PyObject* type = nullptr;
};

#define SOASTORE_PYTHON_ERROR(Class, PythonName, PythonBase, Description) \
  PythonErrorClass{ErrorKind::Class, PythonName, PyExc_##PythonBase, Description},
std::array python_error_classes{SOASTORE_ERROR_KINDS(SOASTORE_PYTHON_ERROR)};
#undef SOASTORE_PYTHON_ERROR

// soastore.Error: the base of every class above, and what a plain soastore::Error becomes.
PyObject* base_error = nullptr;

PyObject* new_exception_class(py::module_& module, const char* name, const char* doc, PyObject* bases) {
  const std::string qualified = std::string("soastore.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (type == nullptr) throw py::error_already_set();
  module.add_object(name, py::reinterpret_borrow<py::object>(type));
  return type;
}

// Raises `instance` (a new reference, or null when building it failed and set an error).
void raise_instance(PyObject* instance) {
  if (instance == nullptr) return;
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(instance)), instance);
  Py_DECREF(instance);
}

// OSError(errno, message, filename), as os functions raise it; OSError(message) without errno.
void raise_builtin(PyObject* base, const Error& error) {
  if (error.error_number() == 0) {
    PyErr_SetString(base, error.what());
  } else if (error.path().empty()) {
    raise_instance(PyObject_CallFunction(base, "is", error.error_number(), error.what()));
  } else {
    raise_instance(PyObject_CallFunction(base, "iss", error.error_number(), error.what(), error.path().c_str()));
  }
}

// type(message) with .errno, .path and .rank set from the details (None when not known).
void raise_with_details(PyObject* type, const Error& error) {
  PyObject* instance = PyObject_CallFunction(type, "s", error.what());
  if (instance == nullptr) return;
  const ErrorDetails& details = error.details();
  const py::object number = details.error_number == 0 ? py::none() : py::object(py::int_(details.error_number));
  const py::object path = details.path.empty() ? py::none() : py::object(py::str(details.path));
  const py::object rank = details.rank < 0 ? py::none() : py::object(py::int_(details.rank));
  if (PyObject_SetAttrString(instance, "errno", number.ptr()) < 0 || PyObject_SetAttrString(instance, "path", path.ptr()) < 0 ||
      PyObject_SetAttrString(instance, "rank", rank.ptr()) < 0) {
    Py_DECREF(instance);
    return;
  }
  raise_instance(instance);
}

void translate(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    for (const PythonErrorClass& entry : python_error_classes) {
      if (entry.kind != e.kind()) continue;
      if (entry.type == nullptr) {
        raise_builtin(entry.base, e);
      } else {
        raise_with_details(entry.type, e);
      }
      return;
    }
    raise_with_details(base_error, e);
  }
  // Anything else goes on to pybind11's own translators (std::bad_alloc -> MemoryError, ...).
}

}  // namespace

void bind_errors(py::module_& module) {
  base_error = new_exception_class(module, "Error",
                                   "The base of every soastore error, and raised itself for failures that fit no other\n"
                                   "class. Attributes: errno, path (the file) and rank (the MPI rank that found it),\n"
                                   "each None when unknown.",
                                   PyExc_Exception);
  for (PythonErrorClass& entry : python_error_classes) {
    if (*entry.name == '\0') continue;
    const py::tuple bases = py::make_tuple(py::handle(base_error), py::handle(entry.base));
    entry.type = new_exception_class(module, entry.name, entry.doc, bases.ptr());
  }
  py::register_exception_translator(translate);
}

}  // namespace soastore::python
