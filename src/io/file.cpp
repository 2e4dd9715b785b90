#include "io/file.hpp"

#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>
#include <set>
#include <vector>

#include "io/counters.hpp"
#include "io/system_calls.hpp"
#include "soastore/errors.hpp"

namespace soastore::io {
namespace {

// Linux transfers at most this much per read/write call, whatever is asked.
constexpr std::size_t kMaxTransfer = 0x7ffff000;

std::string errno_text(int error_number) { return std::strerror(error_number); }

// Copies the caller's iovecs (to be advanced after partial transfers), at most IOV_MAX and
// kMaxTransfer bytes' worth per system call are handed over by `next_batch`.
class IovecCursor {
 public:
  explicit IovecCursor(std::span<const iovec> buffers) : iov_(buffers.begin(), buffers.end()) { skip_empty(); }
  [[nodiscard]] bool done() const noexcept { return first_ == iov_.size(); }
  // Number of iovecs for the next call, bounded by IOV_MAX.
  [[nodiscard]] int batch() const noexcept {
    return static_cast<int>(std::min<std::size_t>(iov_.size() - first_, IOV_MAX));
  }
  [[nodiscard]] const iovec* data() const noexcept { return iov_.data() + first_; }
  void advance(std::size_t bytes) {
    while (bytes > 0) {
      iovec& head = iov_[first_];
      const std::size_t step = std::min(bytes, head.iov_len);
      head.iov_base = static_cast<char*>(head.iov_base) + step;
      head.iov_len -= step;
      bytes -= step;
      skip_empty();
    }
  }

 private:
  void skip_empty() {
    while (first_ < iov_.size() && iov_[first_].iov_len == 0) ++first_;
  }
  std::vector<iovec> iov_;
  std::size_t first_ = 0;
};

// Directories whose file system refused O_DIRECT: asked once per directory, not once per file.
std::mutex refused_mutex;
std::set<std::string>& refused_directories() {
  static std::set<std::string> directories;
  return directories;
}

std::string directory_of(const std::filesystem::path& path) {
  const std::filesystem::path parent = path.parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

void remember_direct_refused(const std::filesystem::path& path) {
  const std::lock_guard lock(refused_mutex);
  refused_directories().insert(directory_of(path));
}

bool direct_refused(const std::filesystem::path& path) {
  const std::lock_guard lock(refused_mutex);
  return refused_directories().count(directory_of(path)) != 0;
}

File File::open_or_create_direct(const std::filesystem::path& path) {
  if (!direct_refused(path)) {
    for (;;) {
      const int fd = system_calls().open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_DIRECT, 0644);
      if (fd >= 0) {
        count(counters().opens);
        return File(fd, path.string(), true);
      }
      if (errno == EINTR) continue;
      if (errno != EINVAL) break;  // a real error: the buffered open below reports it
      remember_direct_refused(path);
      break;
    }
  }
  return open_or_create(path);
}

std::optional<File> File::open_direct_twin() const {
  if (direct_refused(path_)) return std::nullopt;
  const std::string self = "/proc/self/fd/" + std::to_string(fd_);
  for (;;) {
    const int fd = system_calls().open(self.c_str(), O_RDONLY | O_CLOEXEC | O_DIRECT, 0);
    if (fd >= 0) {
      count(counters().opens);
      return File(fd, path_, true);
    }
    if (errno == EINTR) continue;
    if (errno == EINVAL) remember_direct_refused(path_);
    return std::nullopt;
  }
}

void File::reopen_buffered() {
  if (!direct_) return;
  remember_direct_refused(path_);
  File buffered = open_or_create(path_);
  *this = std::move(buffered);
}

void File::preallocate(std::uint64_t offset, std::uint64_t length) {
  if (length == 0) return;
  while (system_calls().fallocate(fd_, 0, static_cast<off_t>(offset), static_cast<off_t>(length)) != 0) {
    if (errno == EINTR) continue;
    if (errno == EOPNOTSUPP || errno == ENOSYS) return;  // the writes allocate instead
    fail("preallocating", errno);
  }
}

File File::open_with(const std::filesystem::path& path, int flags, const char* operation) {
  for (;;) {
    const int fd = system_calls().open(path.c_str(), flags | O_CLOEXEC, 0644);
    if (fd >= 0) {
      count(counters().opens);
      return File(fd, path.string());
    }
    if (errno == EINTR) continue;
    const int e = errno;
    throw IoError(std::string("cannot ") + operation + " '" + path.string() + "': " + errno_text(e), e, path.string());
  }
}

File File::open_read(const std::filesystem::path& path) { return open_with(path, O_RDONLY, "open for reading"); }
File File::create(const std::filesystem::path& path) {
  return open_with(path, O_WRONLY | O_CREAT | O_TRUNC, "create");
}
File File::open_or_create(const std::filesystem::path& path) {
  return open_with(path, O_WRONLY | O_CREAT, "open for writing");
}

File::File(File&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)), direct_(other.direct_) {
  other.fd_ = -1;
}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) system_calls().close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    direct_ = other.direct_;
    other.fd_ = -1;
  }
  return *this;
}

File::~File() {
  if (fd_ >= 0) system_calls().close(fd_);
}

void File::fail(const char* operation, int error_number) const {
  throw IoError(std::string(operation) + " '" + path_ + "' failed: " + errno_text(error_number), error_number, path_);
}

void File::write_at(std::span<const std::byte> data, std::uint64_t offset) {
  const iovec single{const_cast<std::byte*>(data.data()), data.size()};
  write_vectored_at({&single, 1}, offset);
}

void File::write_vectored_at(std::span<const iovec> buffers, std::uint64_t offset) {
  IovecCursor cursor(buffers);
  while (!cursor.done()) {
    const ssize_t n = cursor.batch() == 1
                          ? system_calls().pwrite(fd_, cursor.data()->iov_base,
                                                  std::min(cursor.data()->iov_len, kMaxTransfer),
                                                  static_cast<off_t>(offset))
                          : system_calls().pwritev(fd_, cursor.data(), cursor.batch(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("writing", errno);
    }
    // A write that makes no progress would loop forever; POSIX only allows it for a full disk.
    if (n == 0) fail("writing", ENOSPC);
    count(counters().write_calls);
    count(counters().bytes_written, static_cast<std::uint64_t>(n));
    cursor.advance(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
}

std::size_t File::read_at(std::span<std::byte> data, std::uint64_t offset) {
  const iovec single{data.data(), data.size()};
  return read_vectored_at({&single, 1}, offset);
}

std::size_t File::read_vectored_at(std::span<const iovec> buffers, std::uint64_t offset) {
  IovecCursor cursor(buffers);
  std::size_t total = 0;
  while (!cursor.done()) {
    const ssize_t n = cursor.batch() == 1
                          ? system_calls().pread(fd_, cursor.data()->iov_base,
                                                 std::min(cursor.data()->iov_len, kMaxTransfer),
                                                 static_cast<off_t>(offset))
                          : system_calls().preadv(fd_, cursor.data(), cursor.batch(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("reading", errno);
    }
    count(counters().read_calls);
    if (direct_) count(counters().direct_read_calls);
    if (n == 0) break;  // end of file: the caller decides whether that is truncation
    count(counters().bytes_read, static_cast<std::uint64_t>(n));
    if (direct_) count(counters().bytes_read_direct, static_cast<std::uint64_t>(n));
    cursor.advance(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
    total += static_cast<std::size_t>(n);
  }
  return total;
}

std::uint64_t File::size() const {
  struct stat status {};
  if (system_calls().fstat(fd_, &status) != 0) fail("inspecting", errno);
  return static_cast<std::uint64_t>(status.st_size);
}

void File::truncate(std::uint64_t length) {
  while (system_calls().ftruncate(fd_, static_cast<off_t>(length)) != 0) {
    if (errno != EINTR) fail("resizing", errno);
  }
}

void File::sync() {
  while (system_calls().fsync(fd_) != 0) {
    if (errno != EINTR) fail("syncing", errno);
  }
}

void File::close() {
  if (fd_ < 0) return;
  const int fd = fd_;
  fd_ = -1;
  // Linux closes the descriptor even when close fails (EINTR included), so never retry.
  if (system_calls().close(fd) != 0 && errno != EINTR) fail("closing", errno);
}

void rename_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (system_calls().rename(from.c_str(), to.c_str()) != 0) {
    const int e = errno;
    throw IoError("cannot rename '" + from.string() + "' to '" + to.string() + "': " + errno_text(e), e, to.string());
  }
  count(counters().renames);
}

bool remove_file(const std::filesystem::path& path) {
  if (system_calls().unlink(path.c_str()) == 0) {
    count(counters().removes);
    return true;
  }
  const int e = errno;
  if (e == ENOENT) return false;
  throw IoError("cannot remove '" + path.string() + "': " + errno_text(e), e, path.string());
}

}  // namespace soastore::io
