#include "bench/data.hpp"

#include <cstdint>
#include <string>

namespace soastore::bench {
namespace {

// xorshift64: cheap enough that generating 1 GB takes a fraction of a second.
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

Array random_column(DType dtype, std::size_t rows, Random& random) {
  Array array = Array::allocate(dtype, {rows});
  switch (dtype) {
    case DType::Int64:
      for (auto& value : array.as<std::int64_t>()) value = static_cast<std::int64_t>(random.next() >> 1);
      break;
    case DType::Float32:
      for (auto& value : array.as<float>()) value = static_cast<float>(random.next() >> 40) * 0x1p-24f;
      break;
    default:
      for (auto& value : array.as<double>()) value = static_cast<double>(random.next() >> 11) * 0x1p-53;
      break;
  }
  return array;
}

constexpr DType kStepCycle[] = {DType::Int64, DType::Float32, DType::Float64};

}  // namespace

SoA make_catalog(std::size_t bytes, unsigned seed) {
  const std::size_t rows = bytes / 40;
  Random random{0x9E3779B97F4A7C15ull ^ seed};
  SoA soa;
  soa.insert("id", random_column(DType::Int64, rows, random));
  for (const char* name : {"x", "y", "z", "vx", "vy", "vz"}) soa.insert(name, random_column(DType::Float32, rows, random));
  soa.insert(kCatalogField, random_column(DType::Float64, rows, random));
  return soa;
}

SoA make_step(int fields, std::size_t rows, unsigned seed) {
  Random random{0xD1B54A32D192ED03ull ^ seed};
  SoA soa;
  for (int f = 0; f < fields; ++f) soa.insert(step_field_name(f), random_column(kStepCycle[f % 3], rows, random));
  return soa;
}

std::size_t step_nbytes(int fields, std::size_t rows) {
  std::size_t bytes = 0;
  for (int f = 0; f < fields; ++f) bytes += dtype_size(kStepCycle[f % 3]) * rows;
  return bytes;
}

std::string step_field_name(int index) { return "field" + std::to_string(index); }

}  // namespace soastore::bench
