#include "direct_faults.hpp"

#include <algorithm>
#include <cerrno>

namespace soastore::testing {

DirectFaults faults;

namespace {

using io::os_system_calls;

// EINTR first while asked to; true when the call must fail with it now.
bool interrupted() {
  if (faults.eintr_left == 0) return false;
  --faults.eintr_left;
  errno = EINTR;
  return true;
}

int faulty_open(const char* path, int flags, mode_t mode) {
  if ((flags & O_DIRECT) != 0 && faults.open_direct_errno != 0) {
    errno = faults.open_direct_errno;
    return -1;
  }
  return os_system_calls().open(path, flags, mode);
}

ssize_t faulty_pwrite(int fd, const void* buffer, size_t count, off_t offset) {
  if (interrupted()) return -1;
  if (is_direct(fd)) {
    ++faults.direct_writes;
    faults.direct_sources.push_back(buffer);
    if (faults.direct_write_errno != 0) {
      errno = faults.direct_write_errno;
      return -1;
    }
  }
  if (faults.write_errno != 0) {
    errno = faults.write_errno;
    return -1;
  }
  return os_system_calls().pwrite(fd, buffer, std::min(count, faults.max_transfer), offset);
}

ssize_t faulty_pwritev(int fd, const iovec* iov, int /*iovcnt*/, off_t offset) {
  return faulty_pwrite(fd, iov[0].iov_base, iov[0].iov_len, offset);  // a short write of the first buffer
}

ssize_t faulty_pread(int fd, void* buffer, size_t count, off_t offset) {
  if (interrupted()) return -1;
  if (is_direct(fd)) {
    ++faults.direct_reads;
    faults.direct_targets.push_back(buffer);
    if (faults.direct_read_errno != 0) {
      errno = faults.direct_read_errno;
      return -1;
    }
  }
  return os_system_calls().pread(fd, buffer, std::min(count, faults.max_transfer), offset);
}

ssize_t faulty_preadv(int fd, const iovec* iov, int /*iovcnt*/, off_t offset) {
  return faulty_pread(fd, iov[0].iov_base, iov[0].iov_len, offset);  // a short read of the first buffer
}

int counting_fallocate(int fd, int mode, off_t offset, off_t length) {
  ++faults.fallocates;
  return os_system_calls().fallocate(fd, mode, offset, length);
}

}  // namespace

io::SystemCalls faulty_calls() {
  io::SystemCalls calls = os_system_calls();
  calls.open = faulty_open;
  calls.pwrite = faulty_pwrite;
  calls.pwritev = faulty_pwritev;
  calls.pread = faulty_pread;
  calls.preadv = faulty_preadv;
  calls.fallocate = counting_fallocate;
  return calls;
}

bool is_direct(int fd) { return (fcntl(fd, F_GETFL) & O_DIRECT) != 0; }

std::vector<std::byte> pattern(std::size_t n, unsigned seed) {
  std::vector<std::byte> data(n);
  for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::byte>((i * 131 + seed * 7) ^ (i >> 11));
  return data;
}

}  // namespace soastore::testing
