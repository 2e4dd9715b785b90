#include "conversion.hpp"

#include <bit>
#include <memory>
#include <vector>

namespace soastore::python {
namespace {

namespace py = pybind11;

// The deleter of an Array owner that holds one reference to a Python object. It can run on any
// thread, with or without the GIL (a store drops values while the GIL is released), so it takes
// the GIL itself. After interpreter shutdown the reference is left alone: nothing can use it.
struct PythonReference {
  PyObject* object;
  void operator()(const void*) const noexcept {
    if (!Py_IsInitialized()) return;
    const PyGILState_STATE state = PyGILState_Ensure();
    Py_DECREF(object);
    PyGILState_Release(state);
  }
};

std::shared_ptr<const void> keep_alive(py::object object) {
  PyObject* raw = object.release().ptr();
  return std::shared_ptr<const void>(raw, PythonReference{raw});
}

bool is_native_byte_order(const py::dtype& dtype) {
  // numpy writes '=' for native, '|' for single bytes, '<'/'>' only for the foreign order.
  constexpr char kForeign = std::endian::native == std::endian::little ? '>' : '<';
  return dtype.byteorder() != kForeign;
}

bool needs_native_copy(const py::array& array) {
  constexpr int kRequired = py::detail::npy_api::NPY_ARRAY_C_CONTIGUOUS_ | py::detail::npy_api::NPY_ARRAY_ALIGNED_;
  return (array.flags() & kRequired) != kRequired || !is_native_byte_order(array.dtype());
}

// `value` itself when it is exactly an ndarray (the common case, no call into numpy), else
// numpy.asarray(value): scalars, lists and ndarray subclasses become plain ndarrays.
py::array as_ndarray(py::handle value) {
  if (Py_TYPE(value.ptr()) == py::detail::npy_api::get().PyArray_Type_) return py::reinterpret_borrow<py::array>(value);
  return py::reinterpret_steal<py::array>(py::module_::import("numpy").attr("asarray")(value).release());
}

Shape shape_of(const py::array& array) { return Shape(array.shape(), array.shape() + array.ndim()); }

// Whether `object` is exactly the ndarray `array` wraps: same buffer, dtype and shape (a user may
// have reassigned .shape or .dtype of the array after storing it).
bool is_wrapped_array(const py::object& object, const Array& array) {
  if (!py::isinstance<py::array>(object)) return false;
  const auto ndarray = py::reinterpret_borrow<py::array>(object);
  return ndarray.data() == array.data() && !needs_native_copy(ndarray) &&
         dtype_from_python(ndarray.dtype()) == array.dtype() && shape_of(ndarray) == array.shape();
}

}  // namespace

std::optional<DType> dtype_from_python(const py::dtype& dtype) {
  // Structured, subarray and object dtypes have other kinds ('V', 'O') and fall through.
  return dtype_from_kind(dtype.kind(), static_cast<std::size_t>(dtype.itemsize()));
}

py::dtype dtype_to_python(DType dtype) { return py::dtype(std::string(dtype_name(dtype))); }

Array array_from_python(py::handle value, const std::string& field) {
  py::array array = as_ndarray(value);
  const std::optional<DType> dtype = dtype_from_python(array.dtype());
  if (!dtype) {
    throw py::type_error("field '" + field + "': numpy dtype " + std::string(py::str(array.dtype())) +
                         " is not supported (bool, int8..int64, uint8..uint64, float16..float64, "
                         "complex64, complex128)");
  }
  if (needs_native_copy(array)) {
    // numpy copies (and byte-swaps) with the GIL released for these plain dtypes.
    const py::object native = array.dtype().attr("newbyteorder")("=");
    py::object copy = py::module_::import("numpy").attr("array")(array, native, py::arg("order") = "C");
    array = py::reinterpret_steal<py::array>(copy.release().ptr());
  }
  // Read-only arrays are fine: stores and writers never write into an array they are given.
  void* data = const_cast<void*>(array.data());
  Shape shape = shape_of(array);
  return Array::wrap(*dtype, std::move(shape), data, keep_alive(std::move(array)));
}

py::array array_to_python(const Array& array) {
  const std::vector<py::ssize_t> shape(array.shape().begin(), array.shape().end());
  const std::shared_ptr<const void> owner = array.owner();
  if (const PythonReference* source = std::get_deleter<PythonReference>(owner)) {
    auto object = py::reinterpret_borrow<py::object>(source->object);
    if (is_wrapped_array(object, array)) return py::reinterpret_steal<py::array>(object.release());
    // A view of the object that owns the bytes (inherits its read-only flag).
    return py::array(dtype_to_python(array.dtype()), shape, array.data(), object);
  }
  // Memory C++ allocated: a capsule holding the owner becomes the ndarray's base.
  auto holder = std::make_unique<std::shared_ptr<const void>>(owner);
  const py::capsule base(holder.get(), [](void* pointer) { delete static_cast<std::shared_ptr<const void>*>(pointer); });
  holder.release();  // the capsule deletes it from now on
  return py::array(dtype_to_python(array.dtype()), shape, array.data(), base);
}

SoA soa_from_python(py::handle mapping) {
  SoA soa;
  for (const py::handle item : mapping.attr("items")()) {
    const auto pair = py::reinterpret_borrow<py::tuple>(item);
    const py::handle name = pair[0];
    if (!py::isinstance<py::str>(name)) {
      throw py::type_error("field names must be str, got " +
                           std::string(py::str(py::type::handle_of(name).attr("__name__"))) + " " +
                           std::string(py::repr(name)));
    }
    const auto text = name.cast<std::string>();
    soa.insert(text, array_from_python(pair[1], text));
  }
  return soa;
}

py::dict soa_to_python(const SoA& soa) {
  py::dict result;
  for (const auto& [name, array] : soa) result[py::str(name)] = array_to_python(array);
  return result;
}

}  // namespace soastore::python
