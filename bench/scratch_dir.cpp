#include "bench/scratch_dir.hpp"

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

namespace soastore::bench {

ScratchDir::ScratchDir(const std::filesystem::path& parent, MPI_Comm comm) : comm_(comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  owner_ = rank == 0;
  std::string name;
  if (owner_) {
    path_ = parent / ("run-" + std::to_string(getpid()));
    std::filesystem::create_directories(path_);
    name = path_.string();
  }
  unsigned long length = name.size();
  MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG, 0, comm);
  name.resize(length);
  MPI_Bcast(name.data(), static_cast<int>(length), MPI_CHAR, 0, comm);
  path_ = name;
}

ScratchDir::~ScratchDir() {
  MPI_Barrier(comm_);
  if (owner_) {
    std::error_code ignored;  // a destructor cannot report; a leftover directory is harmless
    std::filesystem::remove_all(path_, ignored);
  }
}

long count_files(const std::filesystem::path& dir) {
  std::error_code error;
  long count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) count += entry.is_regular_file();
  return count;
}

std::string file_system_type(const std::filesystem::path& dir) {
  // The longest mount point that is a prefix of dir is the one it lives on.
  std::ifstream mounts("/proc/self/mounts");
  const std::string target = std::filesystem::weakly_canonical(dir).string();
  std::string device, mount_point, type, rest, best_type = "unknown";
  std::size_t best_length = 0;
  while (mounts >> device >> mount_point >> type && std::getline(mounts, rest)) {
    const bool contains = target.compare(0, mount_point.size(), mount_point) == 0 &&
                          (target.size() == mount_point.size() || mount_point == "/" ||
                           target[mount_point.size()] == '/');
    if (contains && mount_point.size() >= best_length) {
      best_length = mount_point.size();
      best_type = type;
    }
  }
  return best_type;
}

}  // namespace soastore::bench
