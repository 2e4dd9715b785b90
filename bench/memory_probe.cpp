#include "bench/memory_probe.hpp"

#include <fstream>
#include <string>

namespace soastore::bench {
namespace {

// A "Name:   1234 kB" line of /proc/self/status, in bytes.
std::int64_t status_field(const std::string& name) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.compare(0, name.size() + 1, name + ":") == 0) {
      return std::stoll(line.substr(name.size() + 1)) * 1024;
    }
  }
  return 0;
}

}  // namespace

bool reset_peak_memory() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
  clear_refs.flush();
  return static_cast<bool>(clear_refs);
}

std::int64_t resident_memory() { return status_field("VmRSS"); }
std::int64_t peak_memory() { return status_field("VmHWM"); }

}  // namespace soastore::bench
