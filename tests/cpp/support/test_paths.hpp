#pragma once
// Where tests find the shared test vectors and put their scratch files.

#include <mpi.h>

#include <filesystem>

namespace soastore::testing {

// ../shared next to the repository (SOASTORE_SHARED_DIR overrides).
std::filesystem::path shared_dir();
// shared_dir()/testdata/genericio.
std::filesystem::path genericio_vectors();

// A fresh directory, the same on every rank of `comm`, removed (with its contents) on
// destruction after all ranks are done.
class ScratchDir {
 public:
  explicit ScratchDir(MPI_Comm comm = MPI_COMM_WORLD);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  MPI_Comm comm_;
  std::filesystem::path path_;
};

}  // namespace soastore::testing
