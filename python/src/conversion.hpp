#pragma once
// numpy arrays <-> soastore::Array, and dicts of them <-> SoA, without copying the elements.
//
// Python -> C++: a C-contiguous, aligned, native-byte-order ndarray is wrapped as it is; the
// Array's owner holds a reference to the ndarray, so the buffer lives while C++ uses it. Other
// arrays (strided views, '>f4' on a little-endian host, unaligned) become a C-contiguous native
// copy first: Array is contiguous, and storing their raw bytes would store wrong values.
//
// C++ -> Python: an Array that wraps an ndarray comes back as that very ndarray (or a view of
// it); any other Array (read from a file) becomes an ndarray whose base keeps the Array's
// buffer alive. Either way no element is copied.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <optional>
#include <string>

#include "soastore/soa.hpp"

namespace soastore::python {

// Any value numpy.asarray accepts (scalars become 0-d arrays); TypeError naming `field` when
// its dtype is none of bool, int8..int64, uint8..uint64, float16..float64, complex64/128.
Array array_from_python(pybind11::handle value, const std::string& field);
pybind11::array array_to_python(const Array& array);

// A mapping {str: array-like}, in its iteration order; TypeError for a non-str name.
SoA soa_from_python(pybind11::handle mapping);
// A plain dict {str: ndarray} in the SoA's order.
pybind11::dict soa_to_python(const SoA& soa);

// The soastore dtype of a numpy dtype (byte order aside), if soastore has one.
std::optional<DType> dtype_from_python(const pybind11::dtype& dtype);
pybind11::dtype dtype_to_python(DType dtype);

}  // namespace soastore::python
