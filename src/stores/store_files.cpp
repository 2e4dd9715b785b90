// The public view of the stores' file names (soastore/store_files.hpp), over stores/file_names.
#include "soastore/store_files.hpp"

#include <string>
#include <system_error>

#include "soastore/errors.hpp"
#include "stores/file_names.hpp"

namespace soastore {

bool is_store_file_name(std::string_view file_name, std::string_view prefix_name) {
  return stores::is_store_file_name(file_name, prefix_name);
}

std::vector<std::filesystem::path> find_store_files(const std::filesystem::path& prefix) {
  const std::filesystem::path directory = prefix.has_parent_path() ? prefix.parent_path() : ".";
  const std::string prefix_name = prefix.filename().string();
  std::error_code error;
  std::filesystem::directory_iterator entries(directory, error);
  if (error) {
    throw IoError("cannot list '" + directory.string() + "': " + error.message(), error.value(), directory.string());
  }
  std::vector<std::filesystem::path> files;
  for (const std::filesystem::directory_entry& entry : entries) {
    // Stores create regular files only: a directory or symlink with a matching name is not theirs.
    if (!entry.is_regular_file(error) || entry.is_symlink(error)) continue;
    if (stores::is_store_file_name(entry.path().filename().string(), prefix_name)) files.push_back(entry.path());
  }
  return files;
}

}  // namespace soastore
