#include <gtest/gtest.h>

#include <string>

#include "soastore/errors.hpp"
#include "stores/key_rules.hpp"

using soastore::InvalidKey;
using soastore::stores::check_key;

TEST(KeyRules, OrdinaryKeysPass) {
  EXPECT_NO_THROW(check_key("pos_0"));
  EXPECT_NO_THROW(check_key("step-499.halos"));
  EXPECT_NO_THROW(check_key(std::string(200, 'k')));
  EXPECT_NO_THROW(check_key("ünïcode"));
}

TEST(KeyRules, DangerousKeysAreRejected) {
  for (const std::string& key : {std::string(), std::string(201, 'k'), std::string("."), std::string(".."),
                                std::string("a/b"), std::string("../escape"), std::string("a\\b"),
                                std::string("nul\0byte", 8), std::string("tab\there"), std::string("new\nline"),
                                std::string("del\x7f")}) {
    EXPECT_THROW(check_key(key), InvalidKey) << "key: " << key;
  }
}
