// Issue 14, GenericIOStore's file_groups: one file for all ranks, or a split file (a rank map
// plus one sub-file per group), read back bit-exact by the store, by genericio::read and by a
// reader written from the format's rules alone (support/reference_reading_rules.hpp); a set
// that replaces a value and fails, at any step and on any rank, keeps the old value and leaves
// no file behind. (NumpyStore's groups: test_numpy_file_groups.cpp.)
#include <gtest/gtest.h>

#include <cerrno>
#include <set>
#include <string>
#include <vector>

#include "reliability_support.hpp"
#include "soastore/genericio_mpi.hpp"
#include "stores/file_names.hpp"
#include "support/reference_reading_rules.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

const std::vector<std::string> kGroups = {"all", "node", "rank", "2", "3"};

// Rows differ by rank, and rank 1 has none.
SoA value_of(int seed) {
  return rank_soa(world_rank() == 1 ? 0 : 50 + 31 * static_cast<std::size_t>(world_rank()), seed);
}

StoreOptions grouped(const std::string& groups, bool keep_files = false) {
  return {.keep_files = keep_files, .file_groups = parse_option_value<FileGroups>("file_groups", groups)};
}

// How many files the groups make on this machine (one node: "node" is one group).
int groups_on_this_machine(const std::string& groups) {
  if (groups == "all" || groups == "node") return 1;
  const int per_group = groups == "rank" ? 1 : std::stoi(groups);
  return (world_size() + per_group - 1) / per_group;
}

// The names a kept key "k" of store prefix "run" must have: the file, or map and sub-files.
std::vector<std::string> expected_files(const std::string& groups) {
  const int count = groups_on_this_machine(groups);
  std::set<std::string> names = {"run_k.tmp.gio"};
  if (count > 1) {
    for (int g = 0; g < count; ++g) names.insert("run_k.tmp.gio#" + std::to_string(g));
  }
  return {names.begin(), names.end()};
}

void expect_bytes(const ReferenceRead& read, const SoA& expected) {
  ASSERT_EQ(read.variables.size(), expected.size());
  for (const auto& [name, array] : expected) {
    const auto found = read.variables.find(name);
    ASSERT_NE(found, read.variables.end()) << name;
    const auto bytes = array.bytes();
    ASSERT_EQ(found->second.payload.size(), bytes.size()) << name;
    EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), found->second.payload.begin())) << name;
  }
}

}  // namespace

TEST(GenericIOFileGroups, EveryGroupingReadsBackBitExactByStoreOurReaderAndTheRules) {
  for (const std::string& groups : kGroups) {
    SCOPED_TRACE("file_groups " + groups);
    ScratchDir scratch;
    const SoA first = value_of(1), second = value_of(2);
    {
      Partition partition;
      GenericIOStore store(partition, 1.0, scratch / "run", grouped(groups, true));
      store.set("k", first);
      expect_same(store.get("k"), first);
      store.set("k", second);  // replaces: the old file is set aside, then removed
      expect_same(store.get("k"), second);
      expect_same(store.get_field("k", "mass"), SoA{{"mass", second.at("mass")}});
    }
    EXPECT_EQ(listing(scratch.path()), expected_files(groups));
    const std::filesystem::path file = scratch / "run_k.tmp.gio";
    // A collective read opens the rank map (rank 0 twice: for the header it broadcasts) and only
    // the sub-file holding this rank, whatever the number of sub-files.
    const std::uint64_t opens_before = io_counters().opens;
    expect_same(genericio::read(MPI_COMM_WORLD, file), second);
    EXPECT_LE(io_counters().opens - opens_before, 3u);
    const ReferenceRead read = read_by_reference_rules(file, static_cast<std::uint64_t>(world_rank()));
    EXPECT_EQ(read.split, groups_on_this_machine(groups) > 1);
    expect_bytes(read, second);
    const genericio::FileInfo info = genericio::inspect(file);
    EXPECT_EQ(info.subfiles.size(), groups_on_this_machine(groups) > 1 ? groups_on_this_machine(groups) : 0);
  }
}

TEST(GenericIOFileGroups, FailedReplacingSetKeepsTheOldValueAndLeavesNoFile) {
  // The last rank fails to write (ENOSPC), or the file's rank 0 fails to set the old file aside
  // (EIO from rename), or the last rank brings a 2-D array (caught by the plan).
  enum class Failure { Write, SetAside, Invalid };
  for (const std::string& groups : {std::string("all"), std::string("rank"), std::string("2")}) {
    for (const Failure failure : {Failure::Write, Failure::SetAside, Failure::Invalid}) {
      SCOPED_TRACE("file_groups " + groups + ", failure " + std::to_string(static_cast<int>(failure)));
      ScratchDir scratch;
      Partition partition;
      GenericIOStore store(partition, 1.0, scratch / "run", grouped(groups));
      const SoA old_value = value_of(1);
      store.set("k", old_value);
      const std::vector<std::string> files = listing(scratch.path());
      SoA new_value = value_of(2);
      const bool last = world_rank() == world_size() - 1;
      Faults faults;
      if (failure == Failure::Write) faults.write_errno = ENOSPC;
      if (failure == Failure::SetAside) faults.rename_errno = EIO;
      if (failure == Failure::Invalid && last) {
        const std::size_t rows = new_value.at("id").shape()[0];
        new_value["grid"] = Array::from(std::vector<double>(2 * rows, 1.0), {rows, 2});
      }
      {
        const InjectedFaults injected(faults, failure == Failure::Write ? last : world_rank() == 0);
        if (failure == Failure::Invalid) {
          EXPECT_THROW(store.set("k", new_value), InvalidData);
        } else {
          EXPECT_THROW(store.set("k", new_value), IoError);
        }
      }
      expect_same(store.get("k"), old_value);
      EXPECT_EQ(listing(scratch.path()), files) << "the old files only, no .previous";
      store.set("k", new_value.contains("grid") ? value_of(3) : new_value);  // and the store goes on
    }
  }
}

TEST(GenericIOFileGroups, FailedFirstSetLeavesNoFile) {
  for (const std::string& groups : {std::string("all"), std::string("rank")}) {
    SCOPED_TRACE("file_groups " + groups);
    ScratchDir scratch;
    Partition partition;
    GenericIOStore store(partition, 1.0, scratch / "run", grouped(groups));
    {
      const InjectedFaults injected({.write_errno = ENOSPC}, world_rank() == world_size() - 1);
      EXPECT_THROW(store.set("k", value_of(1)), IoError);
    }
    EXPECT_TRUE(listing(scratch.path()).empty());
    EXPECT_FALSE(store.contains("k"));
  }
}

TEST(GenericIOFileGroups, BackgroundAndBudgetWriteSplitFilesToo) {
  ScratchDir scratch;
  Partition partition;
  StoreOptions background = grouped("rank", true);
  background.background = true;
  StoreOptions budget = grouped("rank", true);
  budget.memory_budget = MemoryAmount::of_bytes(1);  // every value spills
  for (const auto& [name, options] : {std::pair{"bg", background}, std::pair{"budget", budget}}) {
    SCOPED_TRACE(name);
    const SoA value = value_of(4);
    {
      GenericIOStore store(partition, 1.0, scratch / name, options);
      store.set("k", value);
      store.set("k", value_of(5));
      store.flush();
      expect_same(store.get("k"), value_of(5));
    }
    const std::filesystem::path file = scratch / (std::string(name) + "_k.tmp.gio");
    expect_same(genericio::read(MPI_COMM_WORLD, file), value_of(5));
    expect_bytes(read_by_reference_rules(file, static_cast<std::uint64_t>(world_rank())), value_of(5));
  }
}
