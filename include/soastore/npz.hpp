#pragma once
// numpy .npy arrays in .npz (zip) archives, read and written by our own code
// (namespace soastore::npz). numpy.load reads what we write; we read what numpy.savez and
// numpy.savez_compressed write. The format notes are in docs/npz.md.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "soastore/soa.hpp"

namespace soastore::npz {

// Writes every array of `soa` as member "NAME.npy" of a ZIP64-capable stored (uncompressed)
// archive. Each member's array data starts on a 4096-byte boundary so it can be mapped.
void save(const std::filesystem::path& path, const SoA& soa);

struct LoadOptions {
  // Map aligned stored members instead of reading them (zero-copy; the mapping lives as long as
  // any handle to the array). Members that cannot be mapped are read as usual.
  bool map = false;
};

// The arrays of the archive (only `fields`, in that order, when given), reading only their bytes.
// KeyNotFound names a missing field; CorruptFile anything the archive gets wrong.
SoA load(const std::filesystem::path& path, const std::optional<std::vector<std::string>>& fields = std::nullopt,
         const LoadOptions& options = {});

}  // namespace soastore::npz
