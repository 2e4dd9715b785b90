#include "bench/memory_group.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "soastore/errors.hpp"

namespace soastore::bench {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int error) {
  throw IoError("memory group: " + what + " '" + path.string() + "': " + std::strerror(error), error, path.string());
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) fail("cannot read", file, errno != 0 ? errno : EIO);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::int64_t read_number(const std::filesystem::path& file) {
  try {
    return std::stoll(read_text(file));
  } catch (const std::logic_error&) {
    fail("no number in", file, EINVAL);
  }
}

// write(2) itself, not a stream: the kernel's answer to a cgroup file write is the error we report.
int write_text(const std::filesystem::path& file, const std::string& text) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const ssize_t written = ::write(fd, text.data(), text.size());
  const int error = written < 0 ? errno : 0;
  ::close(fd);
  return error;
}

std::vector<pid_t> processes_in(const std::filesystem::path& group) {
  std::ifstream in(group / "cgroup.procs");
  std::vector<pid_t> pids;
  for (pid_t pid = 0; in >> pid;) pids.push_back(pid);
  return pids;
}

volatile std::sig_atomic_t pending_signal = 0;
extern "C" void remember_signal(int signal) { pending_signal = signal; }

}  // namespace

std::optional<std::string> memory_groups_unavailable(const std::filesystem::path& parent) {
  std::error_code ignored;
  if (!std::filesystem::exists(parent / "memory.limit_in_bytes", ignored)) {
    return "no cgroup v1 memory controller at " + parent.string();
  }
  const std::filesystem::path probe = parent / ("soastore-probe-" + std::to_string(getpid()));
  if (::mkdir(probe.c_str(), 0755) != 0) {
    return "cannot create a memory group in " + parent.string() + ": " + std::strerror(errno);
  }
  const int error = write_text(probe / "memory.limit_in_bytes", "1000000000");
  ::rmdir(probe.c_str());
  if (error != 0) return "cannot set a memory group's limit in " + parent.string() + ": " + std::strerror(error);
  return std::nullopt;
}

GroupCounters read_group(const std::filesystem::path& group) {
  GroupCounters counters;
  counters.usage = read_number(group / "memory.usage_in_bytes");
  counters.max_usage = read_number(group / "memory.max_usage_in_bytes");
  counters.limit = read_number(group / "memory.limit_in_bytes");
  counters.failcnt = read_number(group / "memory.failcnt");
  std::istringstream control(read_text(group / "memory.oom_control"));
  std::string name;
  for (std::int64_t value = 0; control >> name >> value;) {
    if (name == "oom_kill") counters.oom_kills = value;
  }
  return counters;
}

void reset_group_peak(const std::filesystem::path& group) {
  if (const int error = write_text(group / "memory.max_usage_in_bytes", "0"); error != 0) {
    fail("cannot reset", group / "memory.max_usage_in_bytes", error);
  }
}

MemoryGroup::MemoryGroup(const std::filesystem::path& parent, const std::string& name, std::int64_t limit_bytes)
    : path_(parent / name) {
  if (::mkdir(path_.c_str(), 0755) != 0) fail("cannot create", path_, errno);
  if (const int error = write_text(path_ / "memory.limit_in_bytes", std::to_string(limit_bytes)); error != 0) {
    ::rmdir(path_.c_str());
    fail("cannot set the limit of", path_, error);
  }
}

MemoryGroup::~MemoryGroup() {
  if (!removed_ && !remove()) {
    std::fprintf(stderr, "soastore bench: could not remove memory group %s (rmdir it by hand)\n", path_.c_str());
  }
}

int MemoryGroup::run(const std::vector<std::string>& command) {
  std::vector<char*> argv;
  for (const std::string& word : command) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  const std::string procs = (path_ / "cgroup.procs").string();

  struct sigaction handler {}, old_int {}, old_term {};
  handler.sa_handler = remember_signal;  // no SA_RESTART: waitpid returns to pass the signal on
  sigemptyset(&handler.sa_mask);
  pending_signal = 0;
  sigaction(SIGINT, &handler, &old_int);
  sigaction(SIGTERM, &handler, &old_term);

  const pid_t child = fork();
  if (child == 0) {
    // Into the group before exec: everything the command and its children allocate is charged
    // to it. A process group of its own, so that a terminal's Ctrl-C reaches it only through us.
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    setpgid(0, 0);
    if (const int error = write_text(procs, std::to_string(getpid())); error != 0) {
      std::fprintf(stderr, "soastore bench: cannot enter memory group %s: %s\n", procs.c_str(), std::strerror(error));
      _exit(126);
    }
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "soastore bench: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  // Waits, sampling the group's usage meanwhile: the ranks reset max_usage around their phases,
  // so the job's own peak is the largest sample.
  int status = 0;
  sampled_peak_ = 0;
  interrupted_ = false;
  if (child < 0) {
    status = -1;
  } else {
    for (;;) {
      const pid_t done = waitpid(child, &status, WNOHANG);
      if (done == child || (done < 0 && errno != EINTR)) break;
      if (pending_signal != 0) {
        kill(child, pending_signal);
        interrupted_ = true;
      }
      pending_signal = 0;
      try {
        sampled_peak_ = std::max(sampled_peak_, read_number(path_ / "memory.usage_in_bytes"));
      } catch (const Error&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(kSampleMilliseconds));
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (child < 0) fail("cannot fork to run " + command.front() + " in", path_, errno);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

bool MemoryGroup::remove() {
  using namespace std::chrono_literals;
  // Only what run() started can be in the group; a process left behind (a rank whose mpirun was
  // killed) would keep it from being removed.
  for (int attempt = 0; attempt < 100; ++attempt) {
    for (const pid_t pid : processes_in(path_)) kill(pid, SIGKILL);
    if (::rmdir(path_.c_str()) == 0 || errno == ENOENT) {
      removed_ = true;
      return true;
    }
    if (errno != EBUSY) return false;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

}  // namespace soastore::bench
