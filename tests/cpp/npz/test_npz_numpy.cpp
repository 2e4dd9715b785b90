// numpy as the oracle in both directions: numpy writes (savez, savez_compressed, every dtype, byte
// order, shape kind, Fortran order, header versions 1-3) and we read bit-exact; we write and
// numpy reads bit-exact, zipfile.testzip() and unzip -t are clean, members are byte-identical to
// numpy's own .npy and aligned; the same for the forced ZIP64 path; mapped loads are zero-copy.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>

#include "npz/npz_test_support.hpp"
#include "npz/zip_writer.hpp"
#include "soastore/npz.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

void expect_same(const SoA& expected, const SoA& actual) {
  ASSERT_EQ(expected.names(), actual.names());
  for (const auto& [name, array] : expected) {
    const Array& got = actual.at(name);
    EXPECT_TRUE(equal(array, got)) << name << ": expected " << array.describe() << ", got " << got.describe();
  }
}

// Orders `soa` as `names` (numpy's archives list members in dict order, the manifest likewise).
SoA reordered(const SoA& soa, const std::vector<std::string>& names) {
  SoA result;
  for (const std::string& name : names) result.insert(name, soa.at(name));
  return result;
}

class NumpyWrites : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir(MPI_COMM_SELF);
    ASSERT_EQ(run_numpy_oracle("write " + scratch_->path().string()), 0);
    expected_ = new SoA(read_expected(scratch_->path() / "expected"));
  }
  static void TearDownTestSuite() {
    delete expected_;
    delete scratch_;
  }
  static SoA expected_members(const SoA& loaded) { return reordered(*expected_, loaded.names()); }

  static ScratchDir* scratch_;
  static SoA* expected_;
};
ScratchDir* NumpyWrites::scratch_ = nullptr;
SoA* NumpyWrites::expected_ = nullptr;

TEST_F(NumpyWrites, SavezReadsBitExact) {
  const SoA loaded = npz::load(scratch_->path() / "savez.npz");
  EXPECT_EQ(loaded.size(), 151u);
  expect_same(expected_members(loaded), loaded);
}

TEST_F(NumpyWrites, SavezCompressedReadsBitExact) {
  const SoA loaded = npz::load(scratch_->path() / "compressed.npz");
  EXPECT_EQ(loaded.size(), 151u);
  expect_same(expected_members(loaded), loaded);
}

TEST_F(NumpyWrites, HeaderVersionsOneTwoThree) {
  const SoA loaded = npz::load(scratch_->path() / "versions.npz");
  EXPECT_EQ(loaded.names(), (std::vector<std::string>{"v1", "v2", "v3"}));
  expect_same(expected_members(loaded), loaded);
}

TEST_F(NumpyWrites, MapFallsBackToReadingUnalignedMembers) {
  const SoA loaded = npz::load(scratch_->path() / "savez.npz", std::nullopt, {.map = true});
  expect_same(expected_members(loaded), loaded);
}

TEST_F(NumpyWrites, SubsetInAskedOrder) {
  const std::vector<std::string> fields{"float64_be_cube", "bool_na_scalar", "int32_le_fortran"};
  for (const char* file : {"savez.npz", "compressed.npz"}) {
    const SoA loaded = npz::load(scratch_->path() / file, fields);
    expect_same(reordered(*expected_, fields), loaded);
  }
}

TEST_F(NumpyWrites, MissingFieldIsKeyNotFound) {
  EXPECT_THROW((void)npz::load(scratch_->path() / "savez.npz", std::vector<std::string>{"int8_na_vector", "nope"}),
               KeyNotFound);
}

class WeWrite : public ::testing::Test {
 protected:
  ScratchDir scratch_{MPI_COMM_SELF};
};

TEST_F(WeWrite, NumpyZipfileAndUnzipReadEveryDtypeAndShape) {
  SoA soa = every_dtype_and_shape();
  soa.insert("gr\u00f6\u00dfe_\u03bc", pseudo_random_array(DType::Float32, {4}, 99));  // a UTF-8 member name
  write_expected(scratch_ / "expected", soa);
  npz::save(scratch_ / "ours.npz", soa);
  EXPECT_EQ(run_numpy_oracle("check " + (scratch_ / "ours.npz").string() + " " + (scratch_ / "expected").string()), 0);
  expect_same(soa, npz::load(scratch_ / "ours.npz"));
}

TEST_F(WeWrite, ForcedZip64IsReadByNumpyZipfileUnzipAndUs) {
  const SoA soa = every_dtype_and_shape();
  write_expected(scratch_ / "expected", soa);
  npz::write_npz(scratch_ / "zip64.npz", soa, {.zip64_threshold = 0});
  // The ZIP64 end records are there: the end of central directory defers to them.
  const std::vector<std::byte> bytes = read_file_bytes(scratch_ / "zip64.npz");
  const std::size_t end = bytes.size() - 22;
  EXPECT_EQ(std::to_integer<int>(bytes[end + 10]), 0xff);  // entry count 0xffff
  EXPECT_EQ(std::to_integer<int>(bytes[end - 20]), 0x50);  // ZIP64 locator "PK\6\7"
  EXPECT_EQ(std::to_integer<int>(bytes[end - 18]), 0x06);
  EXPECT_EQ(run_numpy_oracle("check " + (scratch_ / "zip64.npz").string() + " " + (scratch_ / "expected").string()), 0);
  expect_same(soa, npz::load(scratch_ / "zip64.npz"));
  expect_same(soa, npz::load(scratch_ / "zip64.npz", std::nullopt, {.map = true}));
}

TEST_F(WeWrite, EmptySoAIsAnEmptyArchive) {
  npz::save(scratch_ / "empty.npz", SoA{});
  write_expected(scratch_ / "expected", SoA{});
  EXPECT_EQ(run_numpy_oracle("check " + (scratch_ / "empty.npz").string() + " " + (scratch_ / "expected").string()), 0);
  EXPECT_TRUE(npz::load(scratch_ / "empty.npz").empty());
}

TEST_F(WeWrite, RefusesNamesThatCouldEscapeOnUnzip) {
  for (const char* name : {"a/b", "..", ".", "", "back\\slash"}) {
    SoA soa;
    soa.insert(name, Array::from(std::vector<int>{1}));
    EXPECT_THROW(npz::save(scratch_ / "bad.npz", soa), InvalidData) << name;
  }
}

// The address range of the mapping that holds `address`, and the file it maps, from /proc.
std::string mapping_of(const void* address) {
  std::ifstream maps("/proc/self/maps");
  const auto target = reinterpret_cast<std::uintptr_t>(address);
  for (std::string line; std::getline(maps, line);) {
    std::istringstream fields(line);
    std::uintptr_t first = 0;
    std::uintptr_t last = 0;
    char dash = 0;
    fields >> std::hex >> first >> dash >> last;
    if (target >= first && target < last) return line;
  }
  return {};
}

TEST_F(WeWrite, MappedLoadSharesTheFileMapping) {
  SoA soa;
  soa.insert("a", pseudo_random_array(DType::Float64, {1000, 3}, 1));
  soa.insert("b", pseudo_random_array(DType::Int16, {12345}, 2));
  soa.insert("empty", pseudo_random_array(DType::Float32, {0}, 3));
  const auto path = scratch_ / "mapped.npz";
  npz::save(path, soa);
  SoA mapped = npz::load(path, std::nullopt, {.map = true});
  expect_same(soa, mapped);
  for (const char* name : {"a", "b"}) {
    Array& array = mapped.at(name);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(array.data()) % 4096, 0u) << name;
    const std::string mapping = mapping_of(array.data());
    EXPECT_NE(mapping.find(path.filename().string()), std::string::npos) << name << ": " << mapping;
  }
  // Private mapping: writing to the array leaves the file alone.
  mapped.at("a").as<double>()[0] = 42.0;
  expect_same(soa, npz::load(path));
  // The mapping outlives the SoA and the file name as long as a handle lives.
  Array kept = mapped.at("b");
  mapped = SoA{};
  std::filesystem::remove(path);
  EXPECT_TRUE(equal(kept, soa.at("b")));
}

}  // namespace
