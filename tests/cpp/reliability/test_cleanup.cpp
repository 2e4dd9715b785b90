// Cleanup on 1-4 ranks: a store deletes every file it created (values, and what a failed set
// left) when destroyed or closed, unless constructed with keep_files; close() leaves a usable,
// empty store; memory mode forgets its values.
#include <gtest/gtest.h>

#include <cerrno>

#include "reliability_support.hpp"
#include "soastore/genericio_mpi.hpp"
#include "stores/file_names.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

TEST(Cleanup, DestroyedStoresDeleteTheirFiles) {
  Partition partition;
  ScratchDir scratch;
  {
    GenericIOStore genericio(partition, 1.0, scratch / "gio");
    NumpyStore numpy(partition, scratch / "npz");
    for (const char* key : {"a", "b", "c"}) {
      genericio.set(key, rank_soa(10));
      numpy.set(key, rank_soa(10));
    }
    genericio.remove("b");
    EXPECT_FALSE(listing(scratch.path()).empty());
  }
  EXPECT_EQ(listing(scratch.path()), std::vector<std::string>{});
}

TEST(Cleanup, KeepFilesLeavesThemForLaterReaders) {
  Partition partition;
  ScratchDir scratch;
  const SoA value = rank_soa(10, 4);
  {
    GenericIOStore genericio(partition, 1.0, scratch / "gio", StoreOptions{.keep_files = true});
    NumpyStore numpy(partition, scratch / "npz", StoreOptions{.keep_files = true});
    genericio.set("k", value);
    numpy.set("k", value);
    genericio.close();  // keeps the files too
    EXPECT_EQ(genericio.size(), 0u);
  }
  expect_same(genericio::read(partition.comm(), stores::genericio_file_name(scratch / "gio", "k")), value);
  EXPECT_TRUE(std::filesystem::exists(stores::npz_file_name(scratch / "npz", "k", world_rank())));
}

TEST(Cleanup, CloseDeletesAndTheStoreStaysUsable) {
  Partition partition;
  ScratchDir scratch;
  GenericIOStore genericio(partition, 1.0, scratch / "gio");
  NumpyStore numpy(partition, scratch / "npz");
  genericio.set("k", rank_soa(3));
  numpy.set("k", rank_soa(3));
  genericio.close();
  numpy.close();
  EXPECT_EQ(listing(scratch.path()), std::vector<std::string>{});
  EXPECT_FALSE(genericio.contains("k"));
  genericio.set("k", rank_soa(4));
  expect_same(genericio.get("k"), rank_soa(4));
  genericio.close();
  genericio.close();  // twice is fine
  EXPECT_EQ(listing(scratch.path()), std::vector<std::string>{});
}

TEST(Cleanup, LeftoversOfAFailedSetGoToo) {
  Partition partition;
  ScratchDir scratch;
  {
    NumpyStore numpy(partition, scratch / "npz");
    // A rename that fails leaves nothing; a ".partial" the store could not remove at the time
    // (unlink failing too) is removed at destruction.
    io::SystemCalls calls = io::system_calls();
    calls.rename = [](const char*, const char*) { errno = EIO; return -1; };
    calls.unlink = [](const char*) { errno = EIO; return -1; };
    {
      io::ScopedSystemCalls faults(calls);
      EXPECT_THROW(numpy.set("k", rank_soa(3)), IoError);
    }
    EXPECT_TRUE(std::filesystem::exists(stores::partial_file_name(stores::npz_file_name(scratch / "npz", "k", world_rank()))));
    EXPECT_FALSE(numpy.contains("k"));
  }
  EXPECT_EQ(listing(scratch.path()), std::vector<std::string>{});
}

TEST(Cleanup, MemoryModeCloseForgetsValues) {
  Partition partition;
  GenericIOStore genericio(partition, 1.0);
  NumpyStore numpy(partition, std::nullopt, StoreOptions{.keep_files = true});
  genericio.set("k", rank_soa(3));
  numpy.set("k", rank_soa(3));
  genericio.close();
  numpy.close();
  EXPECT_EQ(genericio.size() + numpy.size(), 0u);
  EXPECT_THROW((void)numpy.get("k"), KeyNotFound);
}

}  // namespace
