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
