#pragma once
// The directory the benchmark writes into: created fresh under the --dir the user gave, so that
// file counts see only our files, and removed with everything in it at the end.

#include <mpi.h>

#include <filesystem>

namespace soastore::bench {

class ScratchDir {
 public:
  // Rank 0 creates "{parent}/run-{pid}" and every rank learns its name.
  ScratchDir(const std::filesystem::path& parent, MPI_Comm comm);
  ~ScratchDir();  // rank 0 removes the directory after all ranks are done with it
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  MPI_Comm comm_;
  bool owner_;
};

// Regular files directly in `dir` (0 when it does not exist).
[[nodiscard]] long count_files(const std::filesystem::path& dir);
// The file system type of `dir` ("ext4", "tmpfs", ...) for the table's header.
[[nodiscard]] std::string file_system_type(const std::filesystem::path& dir);

}  // namespace soastore::bench
