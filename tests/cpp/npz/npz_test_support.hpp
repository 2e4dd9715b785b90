#pragma once
// Shared by the npz tests: arrays of every dtype and shape kind, the manifest + raw-bytes format
// the numpy oracle (numpy_oracle.py) reads and writes, and running the oracle.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "soastore/soa.hpp"

namespace soastore::testing {

// Every dtype in every shape kind (0-d, zero-length 1-d and 3-d, 1-d, 3-d), deterministic
// pseudo-random bytes (0/1 for bool), named "DTYPE_KIND".
SoA every_dtype_and_shape();
// An array of `dtype` and `shape` filled from `seed`.
Array pseudo_random_array(DType dtype, const Shape& shape, std::uint64_t seed);

// DIR/manifest.txt ("NAME DTYPE DIM...") and DIR/NAME.bin (native C-ordered bytes).
void write_expected(const std::filesystem::path& directory, const SoA& soa);
SoA read_expected(const std::filesystem::path& directory);

// Runs numpy_oracle.py with `arguments`; returns its exit status (its output goes to the test log).
int run_numpy_oracle(const std::string& arguments);

std::vector<std::byte> read_file_bytes(const std::filesystem::path& path);
void write_file_bytes(const std::filesystem::path& path, const std::vector<std::byte>& bytes);

}  // namespace soastore::testing
