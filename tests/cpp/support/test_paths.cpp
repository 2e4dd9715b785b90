#include "support/test_paths.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace soastore::testing {

std::filesystem::path shared_dir() {
  if (const char* dir = std::getenv("SOASTORE_SHARED_DIR")) return dir;
  return std::filesystem::path(SOASTORE_SOURCE_DIR) / ".." / "shared";
}

std::filesystem::path genericio_vectors() { return shared_dir() / "testdata" / "genericio"; }

ScratchDir::ScratchDir(MPI_Comm comm) : comm_(comm) {
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  std::string name;
  if (rank == 0) {
    std::string pattern = (std::filesystem::temp_directory_path() / "soastore-test-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr) std::abort();
    name = buffer.data();
  }
  int length = static_cast<int>(name.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm_);
  name.resize(static_cast<std::size_t>(length));
  MPI_Bcast(name.data(), length, MPI_CHAR, 0, comm_);
  path_ = name;
}

ScratchDir::~ScratchDir() {
  MPI_Barrier(comm_);
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  std::error_code ignored;
  if (rank == 0) std::filesystem::remove_all(path_, ignored);
}

}  // namespace soastore::testing
