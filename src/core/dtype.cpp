#include "soastore/dtype.hpp"

#include <array>

namespace soastore {
namespace {

constexpr std::array<DTypeInfo, 14> kDTypes{{
    {DType::Bool, "bool", 1, 'b'},
    {DType::Int8, "int8", 1, 'i'},
    {DType::Int16, "int16", 2, 'i'},
    {DType::Int32, "int32", 4, 'i'},
    {DType::Int64, "int64", 8, 'i'},
    {DType::UInt8, "uint8", 1, 'u'},
    {DType::UInt16, "uint16", 2, 'u'},
    {DType::UInt32, "uint32", 4, 'u'},
    {DType::UInt64, "uint64", 8, 'u'},
    {DType::Float16, "float16", 2, 'f'},
    {DType::Float32, "float32", 4, 'f'},
    {DType::Float64, "float64", 8, 'f'},
    {DType::Complex64, "complex64", 8, 'c'},
    {DType::Complex128, "complex128", 16, 'c'},
}};

}  // namespace

const DTypeInfo& dtype_info(DType dtype) { return kDTypes.at(static_cast<std::size_t>(dtype)); }

std::optional<DType> dtype_from_name(std::string_view name) {
  for (const auto& info : kDTypes) {
    if (info.name == name) return info.dtype;
  }
  return std::nullopt;
}

std::optional<DType> dtype_from_kind(char kind, std::size_t size) {
  for (const auto& info : kDTypes) {
    if (info.kind == kind && info.size == size) return info.dtype;
  }
  return std::nullopt;
}

}  // namespace soastore
