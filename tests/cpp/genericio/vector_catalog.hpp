#pragma once
// The shared GenericIO test vectors as manifest.json describes them, and the manifest's value
// formula, so tests can build the exact arrays the reference wrote (for bit-exact comparison and
// for writing the same data again).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "soastore/soa.hpp"

namespace soastore::testing {

struct VectorVariable {
  std::string name;
  std::string code;  // the formula's name for it (differs for long names)
  DType dtype;
  std::size_t components;
  std::uint64_t flags;  // as stored: float and signed bits included
};

struct VectorRank {
  std::uint64_t global_rank;
  std::uint64_t rows;
  std::array<std::uint64_t, 3> coords;
};

struct TestVector {
  std::string file;
  bool big_endian;
  bool split;
  bool block_headers;
  std::array<std::uint64_t, 3> dims;
  std::array<double, 3> phys_origin;
  std::array<double, 3> phys_scale;
  std::vector<VectorVariable> variables;
  std::vector<VectorRank> ranks;  // in global rank order
  std::string writer;
  std::size_t compressed_blocks;
  int seed;
};

// Every valid vector of the manifest.
const std::vector<TestVector>& test_vectors();
const TestVector& test_vector(const std::string& file);

// The rows of `variable` the writer ranks `ranks` wrote, concatenated in that order; shape (n) or
// (n, k) as our reader returns it.
Array expected_array(const TestVector& vector, const VectorVariable& variable, const std::vector<std::size_t>& ranks);
// All variables of the vector for those writer ranks, in file order.
SoA expected_soa(const TestVector& vector, const std::vector<std::size_t>& ranks);

}  // namespace soastore::testing
