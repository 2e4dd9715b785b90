#include "genericio/file_bytes.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

#include "support/test_paths.hpp"

namespace soastore::testing {

std::vector<std::byte> read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

void write_file_bytes(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::filesystem::path copy_vector(const std::filesystem::path& directory, const std::string& file) {
  for (const auto& entry : std::filesystem::directory_iterator(genericio_vectors())) {
    const std::string name = entry.path().filename().string();
    if (name == file || name.rfind(file + "#", 0) == 0) {
      std::filesystem::copy_file(entry.path(), directory / name, std::filesystem::copy_options::overwrite_existing);
      std::filesystem::permissions(directory / name, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    }
  }
  return directory / file;
}

}  // namespace soastore::testing
