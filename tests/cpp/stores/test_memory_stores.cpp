// Both stores in memory mode: the full interface and every error path, on 1 to 4 ranks.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdint>

#include "support/mpi_world.hpp"
#include "soastore/soastore.hpp"

using namespace soastore;

using soastore::testing::world_rank;

namespace {

// Rank r holds 3*r rows, so rank 0 has none.
SoA halo_soa(std::size_t rows) {
  std::vector<std::int64_t> ids(rows);
  std::vector<float> x(rows);
  std::vector<double> mass(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    ids[i] = static_cast<std::int64_t>(1000 * world_rank() + i);
    x[i] = static_cast<float>(i) + 0.5f;
    mass[i] = 1e10 * static_cast<double>(i + 1);
  }
  SoA soa;
  soa["id"] = Array::from(std::move(ids));
  soa["x"] = Array::from(std::move(x));
  soa["mass"] = Array::from(std::move(mass));
  return soa;
}

template <class Store>
void exercise_the_full_interface(Store& store) {
  const SoA original = halo_soa(3 * static_cast<std::size_t>(world_rank()));
  EXPECT_FALSE(store.contains("a"));
  store.set("a", original);
  store.set("b", halo_soa(2));
  EXPECT_TRUE(store.contains("a"));
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.keys(), (std::vector<std::string>{"a", "b"}));

  SoA back = store.get("a");
  EXPECT_EQ(back.names(), original.names());
  for (const auto& [name, array] : original) {
    EXPECT_TRUE(equal(back.at(name), array)) << name;
    EXPECT_TRUE(back.at(name).shares_memory_with(array) || array.nbytes() == 0) << "memory mode must not copy";
  }

  SoA one = store.get_field("a", "x");
  EXPECT_EQ(one.names(), std::vector<std::string>{"x"});
  SoA two = store.get_field("a", {"mass", "id"});
  EXPECT_EQ(two.names(), (std::vector<std::string>{"mass", "id"}));
  EXPECT_TRUE(equal(two.at("id"), original.at("id")));
  EXPECT_THROW((void)store.get_field("a", "nope"), KeyNotFound);
  EXPECT_THROW((void)store.get_field("missing", "x"), KeyNotFound);

  // set replaces, keeping the key's place
  store.set("a", halo_soa(1));
  EXPECT_EQ(store.get("a").at("x").size(), 1u);
  EXPECT_EQ(store.keys(), (std::vector<std::string>{"a", "b"}));

  SoA popped = store.pop("b");
  EXPECT_EQ(popped.at("id").size(), 2u);
  EXPECT_FALSE(store.contains("b"));
  EXPECT_THROW((void)store.pop("b"), KeyNotFound);
  store.remove("a");
  EXPECT_EQ(store.size(), 0u);
  EXPECT_THROW(store.remove("a"), KeyNotFound);
  EXPECT_THROW((void)store.get("a"), KeyNotFound);
}

}  // namespace

TEST(MemoryGenericIOStore, FullInterface) {
  Partition partition;
  GenericIOStore store(partition, 256.0);
  EXPECT_EQ(store.box_size(), 256.0);
  EXPECT_FALSE(store.temporary_path().has_value());
  exercise_the_full_interface(store);
}

TEST(MemoryNumpyStore, FullInterface) {
  Partition partition;
  NumpyStore store(partition);
  exercise_the_full_interface(store);
}

TEST(MemoryStores, StoringSharesBuffersSoLaterChangesShow) {
  Partition partition;
  NumpyStore store(partition);
  SoA soa{{"v", Array::from(std::vector<std::int32_t>{1, 2, 3})}};
  store.set("k", soa);
  soa.at("v").as<std::int32_t>()[0] = 99;  // documented aliasing, as with the reference
  EXPECT_EQ(store.get("k").at("v").as<std::int32_t>()[0], 99);
}

TEST(MemoryStores, MissingKeyErrorNamesKeyAndStore) {
  Partition partition;
  GenericIOStore store(partition, 1.0);
  try {
    (void)store.get("step_7");
    FAIL();
  } catch (const KeyNotFound& e) {
    EXPECT_NE(std::string(e.what()).find("'step_7'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("GenericIOStore"), std::string::npos) << e.what();
  }
}

TEST(MemoryStores, InvalidKeysAreRejectedBeforeStoring) {
  Partition partition;
  NumpyStore numpy(partition);
  GenericIOStore gio(partition, 1.0);
  const SoA soa = halo_soa(2);
  for (const char* key : {"", "a/b", "..", "x\ny"}) {
    EXPECT_THROW(numpy.set(key, soa), InvalidKey) << key;
    EXPECT_THROW(gio.set(key, soa), InvalidKey) << key;
  }
  EXPECT_EQ(numpy.size(), 0u);
  EXPECT_EQ(gio.size(), 0u);
}

TEST(MemoryNumpyStore, TakesAnyArrays) {
  Partition partition;
  NumpyStore store(partition);
  SoA soa;
  soa["matrix"] = Array::from(std::vector<double>(12, 1.0), {3, 4});
  soa["scalar"] = Array::allocate(DType::Complex64, {});
  soa["short"] = Array::from(std::vector<std::uint8_t>{1});
  soa["flags"] = Array::allocate(DType::Bool, {5});
  store.set("any", soa);
  EXPECT_EQ(store.get("any").at("matrix").shape(), (Shape{3, 4}));
}

TEST(MemoryGenericIOStore, RefusesWhatGenericIOCannotHoldWithTheReason) {
  Partition partition;
  GenericIOStore store(partition, 1.0);
  auto expect_refused = [&](const SoA& soa, const std::string& reason) {
    try {
      store.set("bad", soa);
      FAIL() << "expected InvalidData: " << reason;
    } catch (const InvalidData& e) {
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
    EXPECT_FALSE(store.contains("bad"));
  };
  expect_refused(SoA{{"m", Array::from(std::vector<float>(4), {2, 2})}}, "1-D");
  expect_refused(SoA{{"s", Array::allocate(DType::Float32, {})}}, "1-D");
  expect_refused(SoA{{"a", Array::from(std::vector<float>(3))}, {"b", Array::from(std::vector<float>(4))}}, "one length");
  expect_refused(SoA{{"c", Array::allocate(DType::Complex64, {2})}}, "complex64");
  expect_refused(SoA{{"h", Array::allocate(DType::Float16, {2})}}, "float16");
  expect_refused(SoA{{"b", Array::allocate(DType::Bool, {2})}}, "bool");
  expect_refused(SoA{{std::string(257, 'n'), Array::from(std::vector<float>(2))}}, "256");
}

TEST(MemoryGenericIOStore, OneRankWithBadDataFailsTheSetOnEveryRank) {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  Partition partition;
  GenericIOStore store(partition, 1.0);
  SoA soa = halo_soa(4);
  if (world_rank() == size - 1) soa["x"] = Array::from(std::vector<float>(1));  // lengths differ here only
  EXPECT_THROW(store.set("k", soa), InvalidData);
  EXPECT_FALSE(store.contains("k"));  // on every rank: the ranks agree on the key set
  store.set("k", halo_soa(4));        // and the store stays usable
  EXPECT_TRUE(store.contains("k"));
}

TEST(MemoryGenericIOStore, ZeroRowRanksAndDifferentLengthsPerRank) {
  Partition partition;
  GenericIOStore store(partition, 1.0);
  store.set("k", halo_soa(static_cast<std::size_t>(world_rank())));
  EXPECT_EQ(store.get_field("k", "id").at("id").size(), static_cast<std::size_t>(world_rank()));
}
