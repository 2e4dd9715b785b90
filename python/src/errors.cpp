// soastore::Error -> Python exceptions, so Python code catches what it expects: KeyError for a
// missing key or field, ValueError for data or keys a store refuses, OSError with errno and
// filename for failed system calls, and two subclasses for the format-specific failures.

#include <exception>

#include "bindings.hpp"
#include "soastore/errors.hpp"

namespace soastore::python {
namespace {

// The exception classes live as long as the process: a translator may run during interpreter
// shutdown, after the module's globals are gone.
PyObject* corrupt_file_error = nullptr;
PyObject* layout_mismatch_error = nullptr;

PyObject* new_exception_class(py::module_& module, const char* name, const char* doc, PyObject* base) {
  const std::string qualified = std::string("soastore.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
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

// OSError(errno, message, filename) picks the matching subclass (FileNotFoundError for ENOENT,
// ...) and sets .errno, .strerror and .filename, as os functions do.
void raise_os_error(const IoError& error) {
  if (error.error_number() == 0) {
    PyErr_SetString(PyExc_OSError, error.what());
    return;
  }
  if (error.path().empty()) {
    raise_instance(PyObject_CallFunction(PyExc_OSError, "is", error.error_number(), error.what()));
  } else {
    raise_instance(PyObject_CallFunction(PyExc_OSError, "iss", error.error_number(), error.what(), error.path().c_str()));
  }
}

// CorruptFileError(message) with .path (the file, or None) and .rank (the MPI rank that found
// the problem, or None). errno stays None: no system call failed.
void raise_corrupt_file(const CorruptFile& error) {
  PyObject* instance = PyObject_CallFunction(corrupt_file_error, "s", error.what());
  if (instance == nullptr) return;
  const py::object path = error.path().empty() ? py::none() : py::object(py::str(error.path()));
  const py::object rank = error.rank() < 0 ? py::none() : py::object(py::int_(error.rank()));
  if (PyObject_SetAttrString(instance, "path", path.ptr()) < 0 || PyObject_SetAttrString(instance, "rank", rank.ptr()) < 0) {
    Py_DECREF(instance);
    return;
  }
  raise_instance(instance);
}

void translate(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const KeyNotFound& e) {
    PyErr_SetObject(PyExc_KeyError, py::str(e.what()).ptr());
  } catch (const InvalidKey& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const InvalidData& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const IoError& e) {
    raise_os_error(e);
  } catch (const CorruptFile& e) {
    raise_corrupt_file(e);
  } catch (const LayoutMismatch& e) {
    PyErr_SetString(layout_mismatch_error, e.what());
  } catch (const Error& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  // Anything else goes on to pybind11's own translators (std::bad_alloc -> MemoryError, ...).
}

}  // namespace

void bind_errors(py::module_& module) {
  corrupt_file_error = new_exception_class(
      module, "CorruptFileError",
      "A file whose bytes are not what its format promises (bad CRC, truncated, lying sizes).\n"
      "Attributes: path (the file) and rank (the MPI rank that found it), each None when unknown.",
      PyExc_OSError);
  layout_mismatch_error = new_exception_class(
      module, "LayoutMismatchError",
      "The rank count or decomposition of a file differs from the reader's.", PyExc_ValueError);
  py::register_exception_translator(translate);

  py::enum_<ErrorKind>(module, "_ErrorKind")
      .value("Generic", ErrorKind::Generic)
      .value("KeyNotFound", ErrorKind::KeyNotFound)
      .value("InvalidKey", ErrorKind::InvalidKey)
      .value("InvalidData", ErrorKind::InvalidData)
      .value("IoError", ErrorKind::IoError)
      .value("CorruptFile", ErrorKind::CorruptFile)
      .value("LayoutMismatch", ErrorKind::LayoutMismatch);
  // Raises the Python form of a soastore error built from its parts, so tests can check every
  // mapping (ENOSPC included) without filling a disk.
  module.def(
      "_raise_error",
      [](ErrorKind kind, const std::string& message, int error_number, const std::string& path, int rank) {
        throw_error(kind, message, error_number, path, rank);
      },
      py::arg("kind"), py::arg("message"), py::arg("errno") = 0, py::arg("path") = "", py::arg("rank") = -1);
}

}  // namespace soastore::python
