#pragma once
// Element types of an Array. The set is numpy's numeric types, which both file formats and the
// Python bindings map to; names follow numpy ("float32") so messages read the same in C++ and
// Python.

#include <complex>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

namespace soastore {

enum class DType : std::uint8_t {
  Bool,
  Int8,
  Int16,
  Int32,
  Int64,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  Float16,
  Float32,
  Float64,
  Complex64,
  Complex128,
};

// Kind letters as numpy's dtype.kind: 'b' bool, 'i' signed, 'u' unsigned, 'f' float, 'c' complex.
struct DTypeInfo {
  DType dtype;
  std::string_view name;  // numpy name, e.g. "float32"
  std::size_t size;       // bytes per element
  char kind;
};

[[nodiscard]] const DTypeInfo& dtype_info(DType dtype);
[[nodiscard]] inline std::size_t dtype_size(DType dtype) { return dtype_info(dtype).size; }
[[nodiscard]] inline std::string_view dtype_name(DType dtype) { return dtype_info(dtype).name; }
// The dtype with a numpy name ("int64"), or nothing.
[[nodiscard]] std::optional<DType> dtype_from_name(std::string_view name);
// The dtype of a given kind letter and size ('f', 4 -> Float32), or nothing.
[[nodiscard]] std::optional<DType> dtype_from_kind(char kind, std::size_t size);

// IEEE binary16 has no C++20 type; this stands for its bits so float16 arrays can be accessed
// typed without pretending they are uint16.
struct float16_t {
  std::uint16_t bits;
  friend bool operator==(float16_t, float16_t) = default;
};

template <class T>
struct dtype_of;  // maps a C++ element type to its DType; undefined for unsupported types
#define SOASTORE_DTYPE_OF(T, D) \
  template <>                   \
  struct dtype_of<T> {          \
    static constexpr DType value = DType::D; \
  };
SOASTORE_DTYPE_OF(bool, Bool)
SOASTORE_DTYPE_OF(std::int8_t, Int8)
SOASTORE_DTYPE_OF(std::int16_t, Int16)
SOASTORE_DTYPE_OF(std::int32_t, Int32)
SOASTORE_DTYPE_OF(std::int64_t, Int64)
SOASTORE_DTYPE_OF(std::uint8_t, UInt8)
SOASTORE_DTYPE_OF(std::uint16_t, UInt16)
SOASTORE_DTYPE_OF(std::uint32_t, UInt32)
SOASTORE_DTYPE_OF(std::uint64_t, UInt64)
SOASTORE_DTYPE_OF(float16_t, Float16)
SOASTORE_DTYPE_OF(float, Float32)
SOASTORE_DTYPE_OF(double, Float64)
SOASTORE_DTYPE_OF(std::complex<float>, Complex64)
SOASTORE_DTYPE_OF(std::complex<double>, Complex128)
#undef SOASTORE_DTYPE_OF

template <class T>
inline constexpr DType dtype_of_v = dtype_of<std::remove_cv_t<T>>::value;

}  // namespace soastore
