#pragma once
// What the tests of writes that run on a store's writer thread share (background writes, spills
// of memory_budget): a gate that holds that thread inside a system call, and the two stores
// described for typed tests.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "io/system_calls.hpp"
#include "soastore/soastore.hpp"
#include "stores/staged_storage.hpp"

namespace soastore::testing {

// While it lives, pwrite, pwritev and unlink wait in the system-call table until open() (or the
// destructor) lets them go, so a test knows a write is in progress without timing anything.
class ClosedGate {
 public:
  ClosedGate();
  // Opens the gate, then restores the real calls.
  ~ClosedGate();
  ClosedGate(const ClosedGate&) = delete;
  ClosedGate& operator=(const ClosedGate&) = delete;
  // Waits until a call is held at the gate (the writer thread is in the middle of its work).
  void wait_entered();
  void open();

 private:
  io::SystemCalls saved_;
};

struct GenericIOKind {
  using Store = GenericIOStore;
  static constexpr bool kCollective = true;
  static Store make(const Partition& partition, const std::filesystem::path& prefix, const StoreOptions& options);
  static Store make_in_memory(const Partition& partition, const StoreOptions& options);
  // The file storage the store wraps, for tests of the background wrapper alone.
  static std::unique_ptr<stores::StagedStorage> storage(const Partition& partition, const std::filesystem::path& prefix);
  static std::filesystem::path file(const std::filesystem::path& prefix, const std::string& key);
  // The rank whose writer thread touches the file when only one does (rank 0 unlinks it).
  static bool unlinks_here();
  static SoA read_file(const std::filesystem::path& file);
};

struct NumpyKind {
  using Store = NumpyStore;
  static constexpr bool kCollective = false;
  static Store make(const Partition& partition, const std::filesystem::path& prefix, const StoreOptions& options);
  static Store make_in_memory(const Partition& partition, const StoreOptions& options);
  static std::unique_ptr<stores::StagedStorage> storage(const Partition& partition, const std::filesystem::path& prefix);
  static std::filesystem::path file(const std::filesystem::path& prefix, const std::string& key);
  static bool unlinks_here() { return true; }
  static SoA read_file(const std::filesystem::path& file);
};

using StoreKinds = ::testing::Types<GenericIOKind, NumpyKind>;

// Whether `file` exists, once every rank got here (rank 0 creates the shared GenericIO file), and
// before any rank goes on: a store call that follows may make no collective call (nothing
// pending), and so would not keep rank 0 from deleting the file while another rank still looks.
bool exists_everywhere(const std::filesystem::path& file);

}  // namespace soastore::testing
