// Store options: one declaration gives the options struct, the settings a store runs with, an
// environment variable per option (read at construction; a value given in code wins), and the
// descriptions the bindings and docs are made from.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "soastore/errors.hpp"
#include "soastore/numpy_store.hpp"
#include "soastore/options.hpp"

using namespace soastore;

namespace {

// Sets an environment variable for the lifetime of the object (this process only).
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnvironment() { unsetenv(name_); }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  const char* name_;
};

}  // namespace

TEST(StoreOptions, UnsetOptionsTakeTheirDefaults) {
  unsetenv("SOASTORE_KEEP_FILES");
  EXPECT_FALSE(resolve_options({}).keep_files);
  EXPECT_TRUE(resolve_options({.keep_files = true}).keep_files);
}

TEST(StoreOptions, TheEnvironmentSetsWhatCodeLeavesUnset) {
  for (const char* yes : {"1", "true", "YES", "On"}) {
    const ScopedEnvironment environment("SOASTORE_KEEP_FILES", yes);
    EXPECT_TRUE(resolve_options({}).keep_files) << yes;
    EXPECT_FALSE(resolve_options({.keep_files = false}).keep_files) << "code wins over " << yes;
  }
  const ScopedEnvironment environment("SOASTORE_KEEP_FILES", "off");
  EXPECT_FALSE(resolve_options({}).keep_files);
  EXPECT_TRUE(resolve_options({.keep_files = true}).keep_files);
}

TEST(StoreOptions, AMalformedVariableNamesItself) {
  const ScopedEnvironment environment("SOASTORE_KEEP_FILES", "perhaps");
  try {
    (void)resolve_options({});
    FAIL() << "no error";
  } catch (const InvalidOption& e) {
    EXPECT_NE(std::string(e.what()).find("SOASTORE_KEEP_FILES='perhaps'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("keep_files"), std::string::npos) << e.what();
  }
  // A value given in code never reads the variable.
  EXPECT_TRUE(resolve_options({.keep_files = true}).keep_files);
}

TEST(StoreOptions, AStoreRunsWithTheResolvedSettings) {
  const ScopedEnvironment environment("SOASTORE_KEEP_FILES", "1");
  const Partition partition;
  const NumpyStore from_environment(partition);
  EXPECT_TRUE(from_environment.settings().keep_files);
  const NumpyStore from_code(partition, std::nullopt, {.keep_files = false});
  EXPECT_FALSE(from_code.settings().keep_files);
}

TEST(StoreOptions, EveryOptionIsDescribed) {
  const std::vector<OptionDescription> options = describe_options();
  ASSERT_FALSE(options.empty());
  EXPECT_EQ(options.front().name, "keep_files");
  EXPECT_EQ(options.front().type, "bool");
  EXPECT_EQ(options.front().default_value, "false");
  EXPECT_EQ(options.front().environment_variable, "SOASTORE_KEEP_FILES");
  for (const OptionDescription& option : options) EXPECT_FALSE(option.description.empty()) << option.name;
}

TEST(StoreOptions, ByteCountsTakeBinaryUnits) {
  const auto bytes = [](const char* text) { return parse_option_value<ByteCount>("b", text); };
  EXPECT_EQ(bytes("512"), 512u);
  for (const char* text : {"4g", "4G", "4GiB", "4gib", "4GB", "4096m", "4194304k"}) EXPECT_EQ(bytes(text), 4ull << 30) << text;
  EXPECT_EQ(bytes("1.5GiB"), 3ull << 29);
  EXPECT_EQ(bytes("1t"), 1ull << 40);
  for (const char* text : {"", "g", "GiB", "-1", "1e9", "4 GiB", "4x", "99999999999999999999", "16777216t", "1.2.3"}) {
    EXPECT_THROW((void)bytes(text), InvalidOption) << text;
  }
}

TEST(StoreOptions, MemoryAmountsAreNoneBytesOrAFraction) {
  const auto amount = [](const char* text) { return parse_option_value<MemoryAmount>("memory_budget", text); };
  EXPECT_EQ(amount("none"), MemoryAmount{});
  EXPECT_EQ(amount("None"), MemoryAmount{});
  EXPECT_EQ(amount("4GiB"), MemoryAmount::of_bytes(4ull << 30));
  EXPECT_EQ(amount("1"), MemoryAmount::of_bytes(1));  // digits alone are bytes
  EXPECT_EQ(amount("0.25"), MemoryAmount::share(0.25));
  EXPECT_EQ(amount("25%"), MemoryAmount::share(0.25));
  EXPECT_EQ(amount("100%"), MemoryAmount::share(1.0));
  for (const char* text : {"0%", "0.0", "1.5", "150%", "-25%", "lots", "25%GiB"}) {
    EXPECT_THROW((void)amount(text), InvalidOption) << text;
  }
  EXPECT_EQ(format_option_value(MemoryAmount::share(0.25)), "25%");
  EXPECT_EQ(format_option_value(MemoryAmount::of_bytes(1024)), "1024");
  EXPECT_EQ(format_option_value(MemoryAmount{}), "none");
}

TEST(StoreOptions, TheBudgetComesFromTheEnvironmentForDropInUsers) {
  const ScopedEnvironment budget("SOASTORE_MEMORY_BUDGET", "4GiB");
  const ScopedEnvironment target("SOASTORE_SPILL_TARGET", "60%");
  const StoreSettings settings = resolve_options({});
  EXPECT_EQ(settings.memory_budget, MemoryAmount::of_bytes(4ull << 30));
  EXPECT_DOUBLE_EQ(settings.spill_target, 0.6);
  EXPECT_FALSE(settings.memory_limit.is_set());
  EXPECT_FALSE(resolve_options({.memory_budget = MemoryAmount{}}).memory_budget.is_set()) << "code wins";
  const ScopedEnvironment bad("SOASTORE_SPILL_TARGET", "2");
  EXPECT_THROW((void)resolve_options({}), InvalidOption);
}

TEST(StoreOptions, FileGroupsAreAWordOrARankCount) {
  const auto groups = [](const char* text) { return parse_option_value<FileGroups>("file_groups", text); };
  EXPECT_EQ(groups("default"), FileGroups{});
  EXPECT_EQ(groups("all"), FileGroups::of(FileGroups::Kind::All));
  EXPECT_EQ(groups("Node"), FileGroups::of(FileGroups::Kind::Node));
  EXPECT_EQ(groups("rank"), FileGroups::of(FileGroups::Kind::Rank));
  EXPECT_EQ(groups("64"), FileGroups::consecutive(64));
  for (const char* text : {"0", "-2", "1.5", "2.", "nodes", "two", "4294967296", "4 "}) {
    EXPECT_THROW((void)groups(text), InvalidOption) << text;
  }
  EXPECT_EQ(format_option_value(FileGroups::consecutive(8)), "8");
  EXPECT_EQ(format_option_value(FileGroups{}), "default");
  const ScopedEnvironment variable("SOASTORE_FILE_GROUPS", "node");
  EXPECT_EQ(resolve_options({}).file_groups, FileGroups::of(FileGroups::Kind::Node));
  const ScopedEnvironment bad("SOASTORE_FILE_GROUPS", "nodes");
  EXPECT_THROW((void)resolve_options({}), InvalidOption);
}
