#include "bench/raw_file_contender.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "soastore/errors.hpp"

namespace soastore::bench {
namespace {

[[noreturn]] void fail(const char* operation, const std::filesystem::path& path) {
  const int error = errno;
  throw IoError(std::string("raw baseline: ") + operation + " '" + path.string() + "': " + std::strerror(error), error,
                path.string());
}

// One file descriptor, closed on every path; close() errors are reported by close_checked.
class Descriptor {
 public:
  Descriptor(const std::filesystem::path& path, int flags) : path_(path), fd_(::open(path.c_str(), flags, 0644)) {
    if (fd_ < 0) fail("open", path_);
  }
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  void write_all(const std::byte* data, std::size_t size) {
    while (size > 0) {
      const ssize_t written = ::write(fd_, data, size);
      if (written < 0 && errno == EINTR) continue;
      if (written < 0) fail("write", path_);
      data += written;
      size -= static_cast<std::size_t>(written);
    }
  }
  void read_all(std::byte* data, std::size_t size, std::uint64_t offset, bool positioned) {
    while (size > 0) {
      const ssize_t got = positioned ? ::pread(fd_, data, size, static_cast<off_t>(offset)) : ::read(fd_, data, size);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail("read", path_);
      if (got == 0) {
        errno = EIO;
        fail("read (file shorter than written)", path_);
      }
      data += got;
      offset += static_cast<std::uint64_t>(got);
      size -= static_cast<std::size_t>(got);
    }
  }
  void sync() {
    if (::fsync(fd_) != 0) fail("fsync", path_);
  }
  void close_checked() {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("close", path_);
  }

 private:
  std::filesystem::path path_;
  int fd_;
};

}  // namespace

RawFileContender::RawFileContender(std::filesystem::path dir, int rank, bool fsync)
    : dir_(std::move(dir)), rank_(rank), fsync_(fsync) {}

std::filesystem::path RawFileContender::file(const std::string& key) const {
  return dir_ / ("raw_" + key + ".rank-" + std::to_string(rank_) + ".bin");
}

const std::vector<RawFileContender::Column>& RawFileContender::layout(const std::string& key) const {
  const auto found = layouts_.find(key);
  if (found == layouts_.end()) throw KeyNotFound("raw baseline: key '" + key + "' not found");
  return found->second;
}

void RawFileContender::set(const std::string& key, const SoA& soa) {
  std::vector<Column> columns;
  Descriptor out(file(key), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
  std::uint64_t offset = 0;
  for (const auto& [name, array] : soa) {
    out.write_all(static_cast<const std::byte*>(array.data()), array.nbytes());
    columns.push_back({name, array.dtype(), array.shape(), offset, array.nbytes()});
    offset += array.nbytes();
  }
  if (fsync_) out.sync();
  out.close_checked();
  layouts_.insert_or_assign(key, std::move(columns));
}

SoA RawFileContender::get(const std::string& key) {
  SoA soa;
  Descriptor in(file(key), O_RDONLY | O_CLOEXEC);
  for (const Column& column : layout(key)) {
    Array array = Array::allocate(column.dtype, column.shape);
    in.read_all(static_cast<std::byte*>(array.data()), column.nbytes, column.offset, false);
    soa.insert(column.name, std::move(array));
  }
  in.close_checked();
  return soa;
}

SoA RawFileContender::get_field(const std::string& key, const std::string& field) {
  for (const Column& column : layout(key)) {
    if (column.name != field) continue;
    Descriptor in(file(key), O_RDONLY | O_CLOEXEC);
    Array array = Array::allocate(column.dtype, column.shape);
    in.read_all(static_cast<std::byte*>(array.data()), column.nbytes, column.offset, true);
    in.close_checked();
    return SoA{{field, std::move(array)}};
  }
  throw KeyNotFound("raw baseline: field '" + field + "' not found in key '" + key + "'");
}

SoA RawFileContender::pop(const std::string& key) {
  SoA soa = get(key);
  remove(key);
  return soa;
}

void RawFileContender::remove(const std::string& key) {
  (void)layout(key);
  if (::unlink(file(key).c_str()) != 0) fail("unlink", file(key));
  layouts_.erase(key);
}

}  // namespace soastore::bench
