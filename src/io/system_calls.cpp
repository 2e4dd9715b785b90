#include "io/system_calls.hpp"

#include <cstdio>
#include <unistd.h>

namespace soastore::io {
namespace {

// open is variadic in libc; a plain function gives the table a fixed signature.
int open_file(const char* path, int flags, mode_t mode) { return ::open(path, flags, mode); }

constexpr SystemCalls kOsCalls{
    open_file, ::close, ::pread, ::pwrite, ::preadv, ::pwritev,
    ::ftruncate, ::fsync, ::fstat, ::rename, ::unlink, ::fallocate,
};

}  // namespace

const SystemCalls& os_system_calls() noexcept { return kOsCalls; }

SystemCalls& system_calls() noexcept {
  static SystemCalls table = kOsCalls;
  return table;
}

}  // namespace soastore::io
