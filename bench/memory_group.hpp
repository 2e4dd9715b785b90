#pragma once
// A cgroup v1 memory group: what a batch node's memory limit is. Page cache is charged to the
// group whose processes read or wrote it, so a group whose limit is below the data makes the
// kernel write back and drop cached pages while the job runs, as on a node whose memory the
// data outgrows.
//
// MemoryGroup (the parent side) creates a child group under the memory controller's mount,
// runs one command inside it and removes the group again, also when the command fails or is
// interrupted. The counters can be read and the peak reset from any process, inside the group
// or not (measure_phase does so for each phase).

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace soastore::bench {

inline constexpr const char* kMemoryControllerMount = "/sys/fs/cgroup/memory";

struct GroupCounters {
  std::int64_t usage = 0;      // memory.usage_in_bytes: anonymous memory, page cache, kernel memory
  std::int64_t max_usage = 0;  // memory.max_usage_in_bytes: its peak since creation or the last reset
  std::int64_t limit = 0;      // memory.limit_in_bytes
  std::int64_t failcnt = 0;    // memory.failcnt: how often a charge hit the limit (and reclaim ran)
  std::int64_t oom_kills = 0;  // oom_kill of memory.oom_control: processes the OOM killer ended
};

// Why no group can be made under `parent` (no cgroup v1 memory controller there, or not writable),
// or nothing when it can. Creates and removes a probe group to find out.
[[nodiscard]] std::optional<std::string> memory_groups_unavailable(const std::filesystem::path& parent);

// The counters of the group at `group`; IoError when they cannot be read.
[[nodiscard]] GroupCounters read_group(const std::filesystem::path& group);
// Sets the group's max_usage back to its current usage, so that it then gives the peak from now on.
void reset_group_peak(const std::filesystem::path& group);

class MemoryGroup {
 public:
  // Creates "{parent}/{name}" with `limit_bytes` as memory.limit_in_bytes. IoError on failure.
  MemoryGroup(const std::filesystem::path& parent, const std::string& name, std::int64_t limit_bytes);
  // Ends what is left inside the group (only processes that `run` started can be there) and removes it.
  ~MemoryGroup();
  MemoryGroup(const MemoryGroup&) = delete;
  MemoryGroup& operator=(const MemoryGroup&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  // Runs `command` (argv[0] looked up in PATH) as a child process placed in the group before it
  // executes, and waits for it, sampling the group's usage every kSampleMilliseconds. SIGINT and
  // SIGTERM received meanwhile are passed on to it. Returns its exit status, or 128 + signal when
  // a signal ended it.
  int run(const std::vector<std::string>& command);
  // The largest usage sampled during the last run().
  [[nodiscard]] std::int64_t sampled_peak() const noexcept { return sampled_peak_; }
  // Whether SIGINT or SIGTERM came during the last run() (and was passed on).
  [[nodiscard]] bool interrupted() const noexcept { return interrupted_; }
  static constexpr int kSampleMilliseconds = 20;
  // Whether the group could be removed (the destructor tries again and says so on stderr).
  bool remove();

 private:
  std::filesystem::path path_;
  bool removed_ = false;
  std::int64_t sampled_peak_ = 0;
  bool interrupted_ = false;
};

}  // namespace soastore::bench
