#include <gtest/gtest.h>

#include "soastore/soa.hpp"

using soastore::Array;
using soastore::SoA;

TEST(SoA, KeepsInsertionOrderAndReplacesInPlace) {
  SoA soa;
  soa["z"] = Array::from(std::vector<float>{1});
  soa["a"] = Array::from(std::vector<float>{2});
  soa["m"] = Array::from(std::vector<float>{3});
  EXPECT_EQ(soa.names(), (std::vector<std::string>{"z", "a", "m"}));
  soa["a"] = Array::from(std::vector<double>{4});
  EXPECT_EQ(soa.names(), (std::vector<std::string>{"z", "a", "m"}));
  EXPECT_EQ(soa.at("a").dtype(), soastore::DType::Float64);
  std::vector<std::string> visited;
  for (const auto& [name, array] : soa) visited.push_back(name);
  EXPECT_EQ(visited, soa.names());
}

TEST(SoA, MissingFieldIsKeyNotFoundNamingIt) {
  SoA soa{{"x", Array::from(std::vector<float>{1})}};
  EXPECT_TRUE(soa.contains("x"));
  EXPECT_FALSE(soa.contains("y"));
  try {
    (void)soa.at("y");
    FAIL() << "expected KeyNotFound";
  } catch (const soastore::KeyNotFound& e) {
    EXPECT_NE(std::string(e.what()).find("'y'"), std::string::npos) << e.what();
  }
}

TEST(SoA, SizeNbytesAndErase) {
  SoA soa{{"x", Array::from(std::vector<float>{1, 2})}, {"id", Array::from(std::vector<std::int64_t>{1, 2})}};
  EXPECT_EQ(soa.size(), 2u);
  EXPECT_EQ(soa.nbytes(), 24u);
  EXPECT_TRUE(soa.erase("x"));
  EXPECT_FALSE(soa.erase("x"));
  EXPECT_EQ(soa.names(), (std::vector<std::string>{"id"}));
}
