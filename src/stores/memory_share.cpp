#include "stores/memory_share.hpp"

#include <mpi.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "mpi/mpi_error.hpp"

namespace soastore::stores {
namespace {

std::uint64_t node_memory() {
  std::ifstream meminfo("/proc/meminfo");
  std::string name;
  std::uint64_t kibibytes = 0;
  std::string unit;
  while (meminfo >> name >> kibibytes >> unit) {
    if (name == "MemTotal:") return kibibytes << 10;
  }
  return std::numeric_limits<std::uint64_t>::max();
}

// A limit file's number; nothing for "max" (v2's no limit) or an unreadable file.
std::optional<std::uint64_t> read_limit(const std::string& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The memory cgroup limit of this process, if there is one. /proc/self/cgroup lines are
// "ID:CONTROLLERS:PATH": v1 names the memory controller, v2 has one line "0::PATH".
std::optional<std::uint64_t> cgroup_limit() {
  std::ifstream groups("/proc/self/cgroup");
  for (std::string line; std::getline(groups, line);) {
    const std::size_t first = line.find(':');
    const std::size_t second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    std::stringstream list(controllers);
    bool memory = false;
    for (std::string controller; std::getline(list, controller, ',');) memory = memory || controller == "memory";
    if (memory) return read_limit("/sys/fs/cgroup/memory" + path + "/memory.limit_in_bytes");
    if (controllers.empty()) {
      if (auto limit = read_limit("/sys/fs/cgroup" + path + "/memory.max")) return limit;
    }
  }
  return std::nullopt;
}

int ranks_on_this_node(const Partition& partition) {
  MPI_Comm node = MPI_COMM_NULL;
  mpi::check(MPI_Comm_split_type(partition.comm(), MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node),
             "MPI_Comm_split_type");
  int ranks = 1;
  mpi::check(MPI_Comm_size(node, &ranks), "MPI_Comm_size");
  MPI_Comm_free(&node);
  return ranks;
}

}  // namespace

std::uint64_t rank_memory_share(const Partition& partition) {
  std::uint64_t memory = node_memory();
  // A v1 group without a limit reports about 2^63: min() leaves the node's memory then.
  if (const std::optional<std::uint64_t> limit = cgroup_limit()) memory = std::min(memory, *limit);
  return memory / static_cast<std::uint64_t>(ranks_on_this_node(partition));
}

std::optional<std::uint64_t> resolve_memory_amount(const MemoryAmount& amount, const Partition& partition) {
  switch (amount.kind) {
    case MemoryAmount::Kind::Bytes: return amount.bytes;
    case MemoryAmount::Kind::Fraction:
      return static_cast<std::uint64_t>(amount.fraction * static_cast<double>(rank_memory_share(partition)));
    case MemoryAmount::Kind::None: break;
  }
  return std::nullopt;
}

}  // namespace soastore::stores
