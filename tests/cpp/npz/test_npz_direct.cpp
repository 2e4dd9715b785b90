// npz reads with io=direct: bit-exact for our archives (data on 4 KiB boundaries) and for
// archives with members at any offset (as numpy writes them), counted as O_DIRECT reads, auto by
// the bytes a load reads, mapped reads still mapped, and a damaged member still CorruptFile.
#include <gtest/gtest.h>
#include <mpi.h>

#include "io/file.hpp"
#include "npz/npz_test_support.hpp"
#include "npz/zip_builder.hpp"
#include "soastore/errors.hpp"
#include "soastore/io_counters.hpp"
#include "soastore/npz.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

// Tiny members (served by the first probe read), odd sizes below and above 4 MiB (results
// allocated 2 MiB-aligned from 4 MiB on, malloc'd below), and a 3-d array.
SoA mixed_arrays() {
  SoA soa;
  soa["tiny"] = pseudo_random_array(DType::Int8, {3}, 1);
  soa["odd"] = pseudo_random_array(DType::UInt8, {4095}, 2);
  soa["below"] = pseudo_random_array(DType::Int16, {(1 << 20) + 7}, 3);
  soa["large"] = pseudo_random_array(DType::Float64, {(5 << 17) + 7}, 4);
  soa["cube"] = pseudo_random_array(DType::Float32, {100, 33, 3}, 5);
  return soa;
}

void expect_same(const SoA& actual, const SoA& expected) {
  ASSERT_EQ(actual.names(), expected.names());
  for (const auto& [name, array] : expected) EXPECT_TRUE(equal(actual.at(name), array)) << name;
}

std::uint64_t bytes_read_direct() { return io_counters().bytes_read_direct; }

class NpzDirectReads : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file_bytes(scratch / "probe", std::vector<std::byte>(1));
    direct_works = io::File::open_read(scratch / "probe").open_direct_twin().has_value();
  }
  ScratchDir scratch{MPI_COMM_SELF};
  bool direct_works = false;
};

}  // namespace

TEST_F(NpzDirectReads, OurArchivesReadBitExact) {
  const SoA soa = mixed_arrays();
  npz::save(scratch / "a.npz", soa);
  const std::uint64_t before = bytes_read_direct();
  expect_same(npz::load(scratch / "a.npz", std::nullopt, {.io = IoMode::Direct}), soa);
  if (direct_works) {
    EXPECT_GE(bytes_read_direct() - before, soa.at("large").nbytes() + soa.at("below").nbytes());
  }
  const npz::Archive archive(scratch / "a.npz");
  for (const auto& [name, array] : soa) EXPECT_TRUE(equal(archive.read(name, {.io = IoMode::Direct}), array)) << name;
}

TEST_F(NpzDirectReads, MembersAtAnyOffsetReadBitExact) {
  // build_zip puts each member's data right after its headers, at no particular alignment.
  const SoA soa = mixed_arrays();
  std::vector<BuiltMember> members;
  for (const auto& [name, array] : soa) members.push_back({name + ".npy", npy_bytes(array)});
  write_file_bytes(scratch / "unaligned.npz", build_zip(members));
  expect_same(npz::load(scratch / "unaligned.npz", std::nullopt, {.io = IoMode::Direct}), soa);
}

TEST_F(NpzDirectReads, AutoDecidesByTheBytesALoadReads) {
  if (!direct_works) GTEST_SKIP() << "the scratch file system refuses O_DIRECT";
  SoA soa;
  soa["a"] = pseudo_random_array(DType::Float64, {(1 << 20) + 3}, 6);  // 8 MiB each: 16 MiB together
  soa["b"] = pseudo_random_array(DType::Float64, {(1 << 20) + 5}, 7);
  npz::save(scratch / "auto.npz", soa);
  std::uint64_t before = bytes_read_direct();
  expect_same(npz::load(scratch / "auto.npz", std::vector<std::string>{"a"}, {.io = IoMode::Auto}), SoA{{"a", soa.at("a")}});
  EXPECT_EQ(bytes_read_direct(), before) << "8 MiB: buffered";
  expect_same(npz::load(scratch / "auto.npz", std::nullopt, {.io = IoMode::Auto}), soa);
  EXPECT_GE(bytes_read_direct() - before, soa.at("a").nbytes() + soa.at("b").nbytes()) << "16 MiB: direct";
}

TEST_F(NpzDirectReads, MappedReadsStayMapped) {
  SoA soa;
  soa["big"] = pseudo_random_array(DType::Int64, {1 << 20}, 8);
  npz::save(scratch / "m.npz", soa);
  const IoCounters before = io_counters();
  expect_same(npz::load(scratch / "m.npz", std::nullopt, {.map = true, .io = IoMode::Direct}), soa);
  const IoCounters after = io_counters();
  EXPECT_GE(after.bytes_mapped - before.bytes_mapped, soa.at("big").nbytes());
  EXPECT_EQ(after.bytes_read_direct, before.bytes_read_direct);
}

TEST_F(NpzDirectReads, DamagedMembersAreCorrupt) {
  SoA soa;
  soa["big"] = pseudo_random_array(DType::Int32, {(3 << 20) + 1}, 9);
  npz::save(scratch / "d.npz", soa);
  std::vector<std::byte> bytes = read_file_bytes(scratch / "d.npz");
  bytes[bytes.size() / 2] ^= std::byte{4};
  write_file_bytes(scratch / "d.npz", bytes);
  try {
    (void)npz::load(scratch / "d.npz", std::nullopt, {.io = IoMode::Direct});
    ADD_FAILURE() << "a damaged member was read";
  } catch (const CorruptFile& e) {
    EXPECT_NE(std::string(e.what()).find("CRC"), std::string::npos) << e.what();
  }
}
