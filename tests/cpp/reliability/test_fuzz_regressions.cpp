// Inputs the fuzzers (tests/fuzz) found to crash a parser, kept as regression tests.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "genericio/byte_order.hpp"
#include "genericio/crc_trailer.hpp"
#include "reliability_support.hpp"
#include "soastore/genericio_mpi.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

std::vector<std::byte> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

void write_bytes(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

// fuzz_genericio: a header naming two variables alike made genericio::read put both into one
// SoA, freeing the first array while its block was still to be read into it (heap-use-after-free
// in read_raw). Fixed in src/mpi/genericio_read.cpp: the first variable of a name wins.
TEST(FuzzRegressions, GenericIOFileWithTwoVariablesOfOneName) {
  ScratchDir scratch(MPI_COMM_SELF);
  const std::filesystem::path path = scratch / "twins.gio";
  SoA soa;
  soa["a"] = Array::from(std::vector<double>(600, 1.0));  // a page and more per block
  soa["b"] = Array::from(std::vector<double>(600, 2.0));
  genericio::write(MPI_COMM_SELF, path, soa);
  std::vector<std::byte> bytes = read_bytes(path);
  // The second variable header starts after the 168-byte global header and the 280-byte first
  // one; its name comes first. Rename "b" to "a" and reseal the header CRC.
  bytes[168 + 280] = std::byte{'a'};
  const std::uint64_t header_size = genericio::load_u64(bytes.data() + 8, false);
  const auto trailer = genericio::trailer_of({bytes.data(), header_size});
  std::memcpy(bytes.data() + header_size, trailer.data(), trailer.size());
  write_bytes(path, bytes);

  const SoA read = genericio::read(MPI_COMM_SELF, path);
  ASSERT_EQ(read.names(), std::vector<std::string>{"a"});
  EXPECT_TRUE(equal(read.at("a"), soa.at("a")));
}

}  // namespace
