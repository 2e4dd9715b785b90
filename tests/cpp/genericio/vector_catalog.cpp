#include "genericio/vector_catalog.hpp"

#include <cstring>
#include <stdexcept>

namespace soastore::testing {
namespace {

using u64 = std::uint64_t;

// The manifest's formula for element k of a row with base value b, stored into `out`.
void formula(const std::string& code, u64 b, std::size_t k, std::byte* out) {
  const auto put = [out](auto value) { std::memcpy(out, &value, sizeof value); };
  if (code == "x") return put(static_cast<float>(static_cast<double>(b % 256) + 0.25));
  if (code == "y") return put(static_cast<float>(static_cast<double>((3 * b) % 256) + 0.5));
  if (code == "z") return put(static_cast<float>(static_cast<double>((7 * b) % 256) + 0.75));
  if (code == "f32") return put(static_cast<float>(static_cast<double>(b) + 0.5));
  if (code == "f64") return put(-static_cast<double>(b) - 0.125);
  if (code == "lname") return put(2.0 * static_cast<double>(b) + 0.5);
  if (code == "i8") return put(static_cast<std::int8_t>(static_cast<int>(b % 256) - 128));
  if (code == "u8") return put(static_cast<std::uint8_t>((3 * b + 1) % 256));
  if (code == "i16") return put(static_cast<std::int16_t>(static_cast<long>(b % 65536) - 32768));
  if (code == "u16") return put(static_cast<std::uint16_t>((7 * b) % 65536));
  if (code == "i32") return put(static_cast<std::int32_t>(3 * static_cast<long long>(b) - 1000000));
  if (code == "u32") return put(static_cast<std::uint32_t>(4294967295ULL - b));
  if (code == "i64") return put(static_cast<std::int64_t>(-static_cast<long long>(b * 8589934592ULL) - 1));
  if (code == "u64") return put(static_cast<u64>(18446744073709551615ULL - b));
  if (code == "pos3") return put(static_cast<float>(static_cast<double>(b) + 0.25 * static_cast<double>(k)));
  throw std::invalid_argument("no formula for " + code);
}

const std::vector<TestVector> kVectors = {
#include "genericio/vector_catalog_data.inc"
};

}  // namespace

const std::vector<TestVector>& test_vectors() { return kVectors; }

const TestVector& test_vector(const std::string& file) {
  for (const auto& vector : kVectors) {
    if (vector.file == file) return vector;
  }
  throw std::invalid_argument("no test vector " + file);
}

Array expected_array(const TestVector& vector, const VectorVariable& variable, const std::vector<std::size_t>& ranks) {
  std::size_t rows = 0;
  for (std::size_t r : ranks) rows += vector.ranks[r].rows;
  Array array = Array::allocate(variable.dtype, variable.components == 1 ? Shape{rows} : Shape{rows, variable.components});
  std::byte* out = static_cast<std::byte*>(array.data());
  for (std::size_t r : ranks) {
    for (u64 i = 0; i < vector.ranks[r].rows; ++i) {
      const u64 b = 1000 * vector.ranks[r].global_rank + i + 100000 * static_cast<u64>(vector.seed);
      for (std::size_t k = 0; k < variable.components; ++k, out += array.itemsize()) formula(variable.code, b, k, out);
    }
  }
  return array;
}

SoA expected_soa(const TestVector& vector, const std::vector<std::size_t>& ranks) {
  SoA soa;
  for (const auto& variable : vector.variables) soa.insert(variable.name, expected_array(vector, variable, ranks));
  return soa;
}

}  // namespace soastore::testing
