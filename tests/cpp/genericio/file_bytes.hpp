#pragma once
// Small file helpers for the GenericIO tests: whole-file reads and writes, and patches.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace soastore::testing {

std::vector<std::byte> read_file_bytes(const std::filesystem::path& path);
void write_file_bytes(const std::filesystem::path& path, const std::vector<std::byte>& bytes);
// Copies a vector (all its members for a split file) into `directory`; returns the copy's path.
std::filesystem::path copy_vector(const std::filesystem::path& directory, const std::string& file);

}  // namespace soastore::testing
