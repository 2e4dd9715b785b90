// Key rules and file names: bad keys are InvalidKey before anything is written, in memory mode
// too; no two keys (or ranks) share a file name, ".partial" temporaries included, even for keys
// built to look like our suffixes; `soastore clean`'s recogniser accepts exactly our names.
#include <gtest/gtest.h>

#include <set>

#include "reliability_support.hpp"
#include "stores/file_names.hpp"
#include "stores/key_rules.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

const std::vector<std::string> kAdversarialKeys = {
    "k", "k.tmp.gio", "k.tmp.gio.partial", "k.partial", "k.tmp.rank-0.npz", "k.tmp.rank-1", "k.tmp.rank-",
    "k.tmp.rank-1.npz.partial", "k.tmp", ".tmp.gio", "k_", "_k", "k.npz", "k.gio", "k.tmp.rank-12", "k.tmp.rank-1.npz",
    "..k", "k..", " k", "k ", "-", ".partial", "k.previous", "k.tmp.group-1", "k.tmp.group-1.npz", "k.tmp.gio#1",
    "k.tmp.gio#"};

TEST(KeyNames, NoTwoKeysOrRanksShareAFileName) {
  const std::filesystem::path prefix = "/scratch/run";
  std::set<std::string> names;
  std::size_t made = 0;
  for (const std::string& key : kAdversarialKeys) {
    stores::check_key(key);
    for (const std::filesystem::path& file :
         {stores::genericio_file_name(prefix, key), stores::genericio_subfile_name(prefix, key, 0),
          stores::genericio_subfile_name(prefix, key, 12), stores::npz_file_name(prefix, key, 0),
          stores::npz_file_name(prefix, key, 1), stores::npz_file_name(prefix, key, 12),
          stores::npz_group_file_name(prefix, key, 0), stores::npz_group_file_name(prefix, key, 12)}) {
      for (const std::filesystem::path& name :
           {file, stores::partial_file_name(file), stores::previous_file_name(file)}) {
        names.insert(name.string());
        ++made;
        EXPECT_TRUE(stores::is_store_file_name(name.filename().string(), "run")) << name;
      }
    }
  }
  EXPECT_EQ(names.size(), made);
}

TEST(KeyNames, CleanRecognisesOnlyOurNames) {
  for (const char* name : {"run_k.tmp.gio.bak", "run_k.tmp.rank-x.npz", "run_k.tmp.rank-01.npz", "runX_k.tmp.gio",
                           "other_k.tmp.gio", "run_.tmp.gio", "run_k.tmp.npz", "run_k.tmp.rank-.npz", "run",
                           "run_k.tmp.gio.partial.partial", "run_k.tmp.rank-99999999999.npz", "run_a\tb.tmp.gio",
                           "run_k.tmp.gio#", "run_k.tmp.gio#01", "run_k.tmp.gio#1.npz", "run_k.tmp.group-x.npz",
                           "run_k.tmp.gio.previous.partial", "run_k.tmp.gio#x"}) {
    EXPECT_FALSE(stores::is_store_file_name(name, "run")) << name;
  }
  EXPECT_TRUE(stores::is_store_file_name("run_k.tmp.rank-2147483647.npz", "run"));
  EXPECT_TRUE(stores::is_store_file_name("run_k.tmp.gio#3", "run"));
  EXPECT_TRUE(stores::is_store_file_name("run_k.tmp.group-3.npz.previous", "run"));
}

TEST(KeyNames, InvalidKeysAreRefusedBeforeAnythingIsWritten) {
  Partition partition;
  ScratchDir scratch;
  GenericIOStore genericio(partition, 1.0, scratch / "run");
  NumpyStore numpy(partition, scratch / "run");
  GenericIOStore genericio_memory(partition, 1.0);
  NumpyStore numpy_memory(partition);
  const std::vector<std::string> bad = {"", std::string(201, 'k'), ".", "..", "a/b", "../x", "a\\b",
                                        std::string("n\0l", 3), "tab\t", "del\x7f"};
  for (const std::string& key : bad) {
    EXPECT_THROW(genericio.set(key, rank_soa(3)), InvalidKey);
    EXPECT_THROW(numpy.set(key, rank_soa(3)), InvalidKey);
    EXPECT_THROW(genericio_memory.set(key, rank_soa(3)), InvalidKey);
    EXPECT_THROW(numpy_memory.set(key, rank_soa(3)), InvalidKey);
  }
  // 200 bytes is a valid key, but with this prefix the npz ".partial" name would pass NAME_MAX.
  const std::string long_key(200, 'k');
  GenericIOStore long_prefix(partition, 1.0, scratch / std::string(30, 'p'));
  try {
    long_prefix.set(long_key, rank_soa(3));
    ADD_FAILURE() << "an over-long file name was accepted";
  } catch (const InvalidKey& e) {
    EXPECT_NE(std::string(e.what()).find("255"), std::string::npos) << e.what();
  }
  genericio_memory.set(long_key, rank_soa(3));  // memory mode has no file names
  genericio.set(long_key.substr(0, 150), rank_soa(3));
  EXPECT_EQ(genericio.keys(), std::vector<std::string>{long_key.substr(0, 150)});
  EXPECT_EQ(listing(scratch.path()).size(), 1u);
}

}  // namespace
