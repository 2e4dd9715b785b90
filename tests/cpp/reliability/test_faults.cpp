// Injected faults on 1-4 ranks, for both stores: ENOSPC and EIO on one rank while writing or
// reading, a failed rename, EINTR and short transfers, invalid data and a corrupt block on one
// rank. Each failure is a typed error naming key, file, rank and errno; GenericIOStore (collective)
// raises the same class on every rank within bounded time; the previous value stays readable, no
// ".partial" file stays behind, and the store keeps working.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>

#include "reliability_support.hpp"
#include "stores/file_names.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

// A failing operation must come back on every rank well within this (no rank may hang).
constexpr std::chrono::seconds kBounded{30};

struct GenericIOKind {
  using Store = GenericIOStore;
  static constexpr bool kCollective = true;
  static Store make(const Partition& p, const std::filesystem::path& prefix) { return Store(p, 1.0, prefix); }
  static std::filesystem::path file(const std::filesystem::path& prefix, const std::string& key) {
    return stores::genericio_file_name(prefix, key);
  }
};

struct NumpyKind {
  using Store = NumpyStore;
  static constexpr bool kCollective = false;
  static Store make(const Partition& p, const std::filesystem::path& prefix) { return Store(p, prefix); }
  static std::filesystem::path file(const std::filesystem::path& prefix, const std::string& key) {
    return stores::npz_file_name(prefix, key, world_rank());
  }
};

template <class Kind>
class StoreFaults : public ::testing::Test {
 protected:
  using Store = typename Kind::Store;
  Partition partition;
  ScratchDir scratch;
  std::filesystem::path prefix = scratch / "run";
  Store store = Kind::make(partition, prefix);
  const int last = world_size() - 1;
  const bool on_last = world_rank() == last;

  // Runs `operation`, expecting Error class E on the failing rank(s) (every rank when collective),
  // success elsewhere; returns the message when it threw. Checks the bounded time.
  template <class E, class Operation>
  std::string expect_failure(bool fails_here, Operation&& operation, int expected_errno = 0) {
    const auto start = std::chrono::steady_clock::now();
    std::string message;
    const bool must_throw = Kind::kCollective || fails_here;
    try {
      operation();
      EXPECT_FALSE(must_throw) << "expected an error";
    } catch (const E& e) {
      message = e.what();
      EXPECT_TRUE(must_throw) << message;
      if constexpr (std::is_same_v<E, IoError>) {
        if (expected_errno != 0) { EXPECT_EQ(e.error_number(), expected_errno) << message; }
      }
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, kBounded);
    return message;
  }

  // The message names store key, a file, a rank and (for I/O errors) the errno text.
  void expect_named(const std::string& message, const std::string& key, int error_number) {
    if (message.empty()) return;
    EXPECT_NE(message.find("key '" + key + "'"), std::string::npos) << message;
    EXPECT_NE(message.find(prefix.string()), std::string::npos) << message;
    EXPECT_NE(message.find("rank"), std::string::npos) << message;
    if (error_number != 0) { EXPECT_NE(message.find(std::strerror(error_number)), std::string::npos) << message; }
  }

  // Every rank's view of `key` after a failed set: the old value, or the new one on ranks of a
  // non-collective store whose own write succeeded.
  void expect_value(const std::string& key, const SoA& old_value, const SoA& new_value, bool failed_here) {
    expect_same(store.get(key), (Kind::kCollective || failed_here) ? old_value : new_value);
  }

  void expect_usable() {
    store.set("after", rank_soa(3, 9));
    expect_same(store.get("after"), rank_soa(3, 9));
    store.remove("after");
  }
};

using Kinds = ::testing::Types<GenericIOKind, NumpyKind>;
TYPED_TEST_SUITE(StoreFaults, Kinds);

TYPED_TEST(StoreFaults, WriteErrorOnOneRankKeepsThePreviousValue) {
  const SoA old_value = rank_soa(5, 1);
  this->store.set("k", old_value);
  for (const int error_number : {ENOSPC, EIO}) {
    const SoA new_value = rank_soa(7, 2);
    std::string message;
    {
      InjectedFaults faults({.write_errno = error_number}, this->on_last);
      message = this->template expect_failure<IoError>(this->on_last, [&] { this->store.set("k", new_value); },
                                                       error_number);
    }
    this->expect_named(message, "k", error_number);
    this->expect_value("k", old_value, new_value, this->on_last);
    EXPECT_FALSE(any_partial_file(this->scratch.path()));
    this->store.set("k", old_value);  // the same state again for the next errno
  }
  // A key whose first set failed does not exist where it failed, and left no file there.
  {
    InjectedFaults faults({.write_errno = ENOSPC}, this->on_last);
    (void)this->template expect_failure<IoError>(this->on_last, [&] { this->store.set("new", old_value); }, ENOSPC);
  }
  const bool failed_here = TypeParam::kCollective || this->on_last;
  EXPECT_EQ(this->store.contains("new"), !failed_here);
  EXPECT_EQ(std::filesystem::exists(TypeParam::file(this->prefix, "new")), !failed_here);
  EXPECT_FALSE(any_partial_file(this->scratch.path()));
  this->expect_usable();
}

TYPED_TEST(StoreFaults, InterruptedAndShortTransfersAreInvisible) {
  const SoA value = rank_soa(1000, 3);
  InjectedFaults faults({.eintr_before_each = 2, .max_transfer = 7}, true);
  this->store.set("k", value);
  expect_same(this->store.get("k"), value);
  expect_same(this->store.get_field("k", "mass"), SoA{{"mass", value.at("mass")}});
}

TYPED_TEST(StoreFaults, ReadErrorOnOneRankIsTheSameErrorEverywhere) {
  const SoA value = rank_soa(4, 4);
  this->store.set("k", value);
  std::string message;
  {
    InjectedFaults faults({.read_errno = EIO}, this->on_last);
    message = this->template expect_failure<IoError>(this->on_last, [&] { (void)this->store.get("k"); }, EIO);
  }
  this->expect_named(message, "k", EIO);
  expect_same(this->store.get("k"), value);
  this->expect_usable();
}

TYPED_TEST(StoreFaults, FailedRenameKeepsThePreviousValue) {
  const SoA old_value = rank_soa(4, 5), new_value = rank_soa(6, 6);
  this->store.set("k", old_value);
  // GenericIOStore renames on rank 0; NumpyStore on every rank, so fail it on the last.
  const bool renames_here = TypeParam::kCollective ? world_rank() == 0 : this->on_last;
  {
    InjectedFaults faults({.rename_errno = EIO}, renames_here);
    (void)this->template expect_failure<IoError>(renames_here, [&] { this->store.set("k", new_value); }, EIO);
  }
  this->expect_value("k", old_value, new_value, renames_here);
  EXPECT_FALSE(any_partial_file(this->scratch.path()));
  this->expect_usable();
}

TYPED_TEST(StoreFaults, InvalidDataOnOneRankIsRefusedBeforeWriting) {
  const SoA old_value = rank_soa(4, 7);
  this->store.set("k", old_value);
  SoA bad = rank_soa(4, 8);
  // Unequal lengths are fine for npz but not for GenericIO; a '/' in a field name is bad for both.
  if (this->on_last) bad["a/b"] = Array::from(std::vector<float>{1.0f});
  const auto before = listing(this->scratch.path());
  const std::string message =
      this->template expect_failure<InvalidData>(this->on_last, [&] { this->store.set("k", bad); });
  if (!message.empty()) { EXPECT_NE(message.find("key 'k'"), std::string::npos) << message; }
  this->expect_value("k", old_value, bad, this->on_last);
  if (TypeParam::kCollective) { EXPECT_EQ(listing(this->scratch.path()), before); }
  this->expect_usable();
}

TEST(GenericIOStoreFaults, CorruptBlockOfOneRankIsCorruptFileEverywhere) {
  Partition partition;
  ScratchDir scratch;
  GenericIOStore store(partition, 1.0, scratch / "run");
  const SoA value = rank_soa(16, 1);
  store.set("k", value);
  const std::filesystem::path file = stores::genericio_file_name(scratch / "run", "k");
  // The last rank's blocks are the last bytes of the file: flip one in its "mass" payload
  // (its last block: 16 doubles and an 8-byte CRC).
  MPI_Barrier(MPI_COMM_WORLD);
  if (world_rank() == 0) {
    std::fstream bytes(file, std::ios::in | std::ios::out | std::ios::binary);
    bytes.seekg(-8 - 8 * 3, std::ios::end);
    const char c = static_cast<char>(bytes.peek());
    bytes.seekp(-8 - 8 * 3, std::ios::end);
    bytes.put(static_cast<char>(c ^ 0x10));
  }
  MPI_Barrier(MPI_COMM_WORLD);
  const auto start = std::chrono::steady_clock::now();
  expect_corrupt_on_last_rank(file, [&] { (void)store.get("k"); });
  EXPECT_LT(std::chrono::steady_clock::now() - start, kBounded);
  // Fields of other ranks' blocks and other variables still read; a new set repairs the key.
  expect_same(store.get_field("k", "id"), SoA{{"id", value.at("id")}});
  store.set("k", value);
  expect_same(store.get("k"), value);
}

}  // namespace
