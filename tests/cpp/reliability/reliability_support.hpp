#pragma once
// What the reliability tests share: data that differs per rank, comparisons, the injected
// system-call faults, directory listings over all ranks, and file systems mounted for a test.

#include <mpi.h>

#include <climits>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "io/system_calls.hpp"
#include "soastore/soastore.hpp"
#include "support/mpi_world.hpp"

namespace soastore::testing {

// Rank r's SoA of `rows` rows (values depend on r and `seed`), of dtypes both stores take.
SoA rank_soa(std::size_t rows, int seed = 0);
void expect_same(const SoA& actual, const SoA& expected);

// Runs `read` of key "k", which must throw on every rank the CorruptFile that the last rank found
// in its block of `file`: naming the key, the file and that rank.
void expect_corrupt_on_last_rank(const std::filesystem::path& file, const std::function<void()>& read);

// Names of the entries of `directory`, sorted, as seen after every rank of `comm` got here.
std::vector<std::string> listing(const std::filesystem::path& directory, MPI_Comm comm = MPI_COMM_WORLD);
// Whether any name in `directory` ends with ".partial" (after every rank got here).
bool any_partial_file(const std::filesystem::path& directory, MPI_Comm comm = MPI_COMM_WORLD);

// The faults the injected system-call table produces; plain function pointers cannot capture,
// so the table reads this one global state.
struct Faults {
  int write_errno = 0;         // every pwrite/pwritev fails with it
  int read_errno = 0;          // every pread/preadv fails with it
  int rename_errno = 0;        // rename fails with it
  int eintr_before_each = 0;   // this many EINTR before each read/write call goes through
  std::size_t max_transfer = SIZE_MAX;  // reads and writes move at most this many bytes per call
};

// Installs `faults` (on this rank only when `here` is false nothing changes) for its lifetime.
class InjectedFaults {
 public:
  InjectedFaults(const Faults& faults, bool here);
  ~InjectedFaults();
  InjectedFaults(const InjectedFaults&) = delete;
  InjectedFaults& operator=(const InjectedFaults&) = delete;

 private:
  io::SystemCalls saved_;
};

// A file system mounted by rank 0 on a fresh directory for the test's lifetime (we run as root),
// shared by all ranks (one node). Unmounted in the destructor. When mounting is impossible,
// available() is false and why() says why: the test must then FAIL, unless the environment sets
// SOASTORE_NO_MOUNT=1 to say this machine cannot mount (then it skips).
class Mount {
 public:
  // `options` for mount(2) of a tmpfs ("size=4m"), or a bind mount of `bind_source` made
  // read-only when `bind_source` is not empty.
  static Mount tmpfs(const std::string& options);
  static Mount read_only_bind(const std::filesystem::path& source);
  // A fresh ext4 file system of `mebibytes` MiB in an image file, mounted through a loop device
  // (mkfs.ext4, mount -o loop): a real small disk that takes O_DIRECT, to fill up.
  static Mount ext4_loop(std::size_t mebibytes);
  ~Mount();
  Mount(Mount&& other) noexcept;
  Mount(const Mount&) = delete;
  Mount& operator=(const Mount&) = delete;
  [[nodiscard]] bool available() const noexcept { return why_.empty(); }
  [[nodiscard]] const std::string& why() const noexcept { return why_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  Mount() = default;
  std::filesystem::path path_;
  std::string why_;
  bool mounted_ = false;
  std::filesystem::path image_;  // ext4_loop's image file (rank 0), removed after unmounting
};

// Whether this machine has loop devices at all (/dev/loop-control).
bool loop_devices_available();

bool mounting_disabled();

}  // namespace soastore::testing

// In a test body: FAIL (or skip when SOASTORE_NO_MOUNT=1) when `mount` could not be made.
#define SOASTORE_REQUIRE_MOUNT(mount)                                                               \
  do {                                                                                              \
    if (!(mount).available()) {                                                                     \
      if (::soastore::testing::mounting_disabled()) GTEST_SKIP() << "SOASTORE_NO_MOUNT=1: " << (mount).why(); \
      FAIL() << "cannot mount a test file system (" << (mount).why()                                \
             << "); run as root with CAP_SYS_ADMIN, or set SOASTORE_NO_MOUNT=1 to skip explicitly";  \
    }                                                                                               \
  } while (false)
