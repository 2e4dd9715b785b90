#pragma once
// The one place soastore calls the operating system for file I/O. Every call goes through a table
// of function pointers so that tests can inject EINTR, ENOSPC, EIO and short reads or writes
// (fmt does the same) without a special file system. Production code never changes the table.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

namespace soastore::io {

struct SystemCalls {
  int (*open)(const char* path, int flags, mode_t mode);
  int (*close)(int fd);
  ssize_t (*pread)(int fd, void* buffer, size_t count, off_t offset);
  ssize_t (*pwrite)(int fd, const void* buffer, size_t count, off_t offset);
  ssize_t (*preadv)(int fd, const iovec* iov, int iovcnt, off_t offset);
  ssize_t (*pwritev)(int fd, const iovec* iov, int iovcnt, off_t offset);
  int (*ftruncate)(int fd, off_t length);
  int (*fsync)(int fd);
  int (*fstat)(int fd, struct stat* status);
  int (*rename)(const char* from, const char* to);
  int (*unlink)(const char* path);
  // fallocate(2) with mode 0: reserves blocks so that direct writes of several ranks into one
  // file allocate nothing while they run.
  int (*fallocate)(int fd, int mode, off_t offset, off_t length);
};

// The table in use. Tests replace entries through ScopedSystemCalls.
SystemCalls& system_calls() noexcept;
// The real operating-system calls.
const SystemCalls& os_system_calls() noexcept;

// Replaces the table for the lifetime of the object (tests only; not thread-safe by design).
class ScopedSystemCalls {
 public:
  explicit ScopedSystemCalls(const SystemCalls& replacement) : saved_(system_calls()) {
    system_calls() = replacement;
  }
  ~ScopedSystemCalls() { system_calls() = saved_; }
  ScopedSystemCalls(const ScopedSystemCalls&) = delete;
  ScopedSystemCalls& operator=(const ScopedSystemCalls&) = delete;

 private:
  SystemCalls saved_;
};

}  // namespace soastore::io
