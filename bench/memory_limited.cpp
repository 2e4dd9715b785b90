#include "bench/memory_limited.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "bench/data.hpp"
#include "bench/memory_group.hpp"
#include "soastore/errors.hpp"

namespace soastore::bench {
namespace {

// This process's own command line after the program name ("bench", "--memory-limit", "3G", ...):
// the job gets the same options, so no option needs passing on by hand.
std::vector<std::string> own_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> words;
  for (std::size_t start = 0; start < all.size();) {
    const std::size_t end = all.find('\0', start);
    words.push_back(all.substr(start, end - start));
    start = end == std::string::npos ? all.size() : end + 1;
  }
  if (!words.empty()) words.erase(words.begin());
  return words;
}

std::string own_executable() {
  std::error_code error;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw IoError("memory-limited mode: cannot find this program (/proc/self/exe): " + error.message());
  return path.string();
}

bool inside_mpi_job() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"}) {
    if (std::getenv(variable) != nullptr) return true;
  }
  return false;
}

// The scratch directories ("run-PID", bench/scratch_dir.hpp) now in `dir`.
std::vector<std::filesystem::path> scratch_dirs(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().filename().string().rfind("run-", 0) == 0) found.push_back(entry.path());
  }
  return found;
}

std::string quoted(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    const bool plain = word.find_first_of(" \t'\"") == std::string::npos && !word.empty();
    text += (text.empty() ? "" : " ") + (plain ? word : "'" + word + "'");
  }
  return text;
}

}  // namespace

int run_memory_limited(const ResolvedOptions& resolved, const BenchOptions& options) {
  if (inside_mpi_job()) {
    throw InvalidData("--memory-limit starts its MPI job itself (--ranks, --mpiexec): run it without mpirun");
  }
  if (options.ranks <= 0) throw InvalidData("--ranks must be positive");
  const std::size_t data = step_nbytes(resolved.fields, resolved.rows) * static_cast<std::size_t>(resolved.steps) *
                           static_cast<std::size_t>(options.ranks);
  std::printf("memory-limited mode: merger tree %dx%dx%zu on %d ranks, %s of data; memory limit %s\n",
              resolved.steps, resolved.fields, resolved.rows, options.ranks, format_size(data).c_str(),
              format_size(resolved.memory_limit).c_str());
  if (const auto reason = memory_groups_unavailable(options.cgroup_parent)) {
    std::printf("memory-limited mode: not run: %s (needs root or a delegated group; --cgroup-parent names another)\n",
                reason->c_str());
    return 0;
  }
  if (data <= resolved.memory_limit) {
    std::printf("memory-limited mode: note: the data fits in the limit, so this measures no memory pressure\n");
  }

  MemoryGroup group(options.cgroup_parent, "soastore-bench-" + std::to_string(getpid()),
                    static_cast<std::int64_t>(resolved.memory_limit));
  std::vector<std::string> command;
  std::istringstream launcher(options.mpiexec);
  for (std::string word; launcher >> word;) command.push_back(word);
  if (command.empty()) throw InvalidData("--mpiexec is empty");
  command.insert(command.end(), {"-n", std::to_string(options.ranks), own_executable()});
  for (const std::string& word : own_arguments()) command.push_back(word);
  command.insert(command.end(), {"--memory-group", group.path().string()});
  std::printf("memory group %s; running %s\n\n", group.path().c_str(), quoted(command).c_str());
  std::fflush(stdout);

  const std::vector<std::filesystem::path> scratch_before = scratch_dirs(resolved.dir);
  const int status = group.run(command);
  const GroupCounters counters = read_group(group.path());
  const bool removed = group.remove();
  std::printf("\nmemory group over the whole job: peak %s (usage sampled every %d ms) of limit %s, failcnt %lld, "
              "OOM kills %lld; %s\n",
              format_size(static_cast<std::size_t>(std::max(group.sampled_peak(), counters.usage))).c_str(),
              MemoryGroup::kSampleMilliseconds,
              format_size(static_cast<std::size_t>(counters.limit)).c_str(), static_cast<long long>(counters.failcnt),
              static_cast<long long>(counters.oom_kills), removed ? "removed" : "NOT removed");
  if (status != 0) {
    // Ranks that were killed leave their scratch directory behind: it is ours, remove it.
    const std::vector<std::filesystem::path> scratch_after = scratch_dirs(resolved.dir);
    for (const std::filesystem::path& dir : scratch_after) {
      if (std::find(scratch_before.begin(), scratch_before.end(), dir) != scratch_before.end()) continue;
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
      std::printf("memory-limited mode: removed what the job left in %s\n", dir.c_str());
    }
    std::printf("memory-limited mode: the MPI job failed (exit status %d)%s\n", status,
                group.interrupted()      ? ": interrupted (the signal was passed on to it)"
                : counters.oom_kills > 0 ? ": the OOM killer ended processes in the group; the limit is below what the "
                                         "ranks themselves hold (raise --memory-limit or lower --rows)"
                                       : "");
  }
  std::fflush(stdout);
  return status != 0 ? status : (removed ? 0 : 1);
}

}  // namespace soastore::bench
