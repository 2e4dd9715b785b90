// The GenericIO codec on one process: every shared vector's header facts and values, header
// encoding byte for byte, big-endian files, verify, and CRC trailers.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstring>

#include "genericio/block_reader.hpp"
#include "genericio/byte_order.hpp"
#include "genericio/crc_trailer.hpp"
#include "genericio/dataset.hpp"
#include "genericio/file_bytes.hpp"
#include "genericio/vector_catalog.hpp"
#include "soastore/errors.hpp"
#include "soastore/genericio_mpi.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

std::vector<std::size_t> all_ranks(const TestVector& vector) {
  std::vector<std::size_t> ranks(vector.ranks.size());
  for (std::size_t r = 0; r < ranks.size(); ++r) ranks[r] = r;
  return ranks;
}

void expect_equal_soa(const SoA& actual, const SoA& expected, const std::string& context) {
  ASSERT_EQ(actual.names(), expected.names()) << context;
  for (const auto& [name, array] : expected) {
    EXPECT_TRUE(equal(actual.at(name), array))
        << context << ": " << name.substr(0, 20) << " is " << actual.at(name).describe() << ", expected " << array.describe();
  }
}

SoA read_whole(const std::filesystem::path& path) {
  return genericio::read(MPI_COMM_SELF, path, std::nullopt, genericio::Mismatch::Redistribute);
}

// A big-endian twin of a little-endian, uncompressed file: the same layout, every header field
// and data element swapped, CRCs over the swapped bytes (what a big-endian writer produces).
void make_big_endian(const std::filesystem::path& from, const std::filesystem::path& to) {
  genericio::SourceFile source = genericio::open_source(from);
  std::vector<std::byte> bytes = read_file_bytes(from);
  genericio::Header header = source.header;
  header.big_endian = true;
  const std::vector<std::byte> head = genericio::encode_header(header);
  std::memcpy(bytes.data(), head.data(), head.size());
  for (std::size_t r = 0; r < header.ranks.size(); ++r) {
    for (std::size_t v = 0; v < header.variables.size(); ++v) {
      const genericio::BlockExtent& block = header.block(r, v);
      const std::span<std::byte> payload(bytes.data() + block.offset, block.size);
      genericio::swap_elements(payload, header.variables[v].element_size);
      const genericio::Trailer trailer = genericio::trailer_of(payload);
      std::memcpy(payload.data() + payload.size(), trailer.data(), trailer.size());
    }
  }
  write_file_bytes(to, bytes);
}

// r2_basic.gio as a pre-2017 writer would have laid it out: a 104-byte global header (no
// origin, scale or block fields), 272-byte variable headers (no ElementSize) and 40-byte rank
// headers (no GlobalRank), followed by the same data blocks.
std::vector<std::byte> old_style_r2_basic() {
  const auto path = genericio_vectors() / "r2_basic.gio";
  const genericio::SourceFile source = genericio::open_source(path);
  const std::vector<std::byte> original = read_file_bytes(path);
  const genericio::Header& header = source.header;
  const std::uint64_t nvars = header.variables.size(), nranks = header.ranks.size();
  const std::uint64_t header_size = 104 + 272 * nvars + 40 * nranks;
  const std::uint64_t old_data = header.ranks[0].start;
  std::vector<std::byte> bytes(header_size + 8);
  const auto put = [&](std::uint64_t at, std::uint64_t value) { genericio::store_u64(bytes.data() + at, value, false); };
  std::memcpy(bytes.data(), original.data(), 104);  // magic, counts and dims stay
  put(8, header_size);
  put(56, 272);
  put(64, 104);
  put(80, 40);
  put(88, 104 + 272 * nvars);
  put(96, 104);
  for (std::uint64_t v = 0; v < nvars; ++v) std::memcpy(bytes.data() + 104 + 272 * v, original.data() + 168 + 280 * v, 272);
  for (std::uint64_t r = 0; r < nranks; ++r) {
    const std::uint64_t at = 104 + 272 * nvars + 40 * r;
    std::memcpy(bytes.data() + at, original.data() + 168 + 280 * nvars + 48 * r, 32);
    put(at + 32, header.ranks[r].start - old_data + header_size + 8);
  }
  const genericio::Trailer trailer = genericio::trailer_of({bytes.data(), header_size});
  std::memcpy(bytes.data() + header_size, trailer.data(), trailer.size());
  bytes.insert(bytes.end(), original.begin() + static_cast<std::ptrdiff_t>(old_data), original.end());
  return bytes;
}

}  // namespace

TEST(GenericIOCrc, TrailersAreInvertedLittleEndianCrc64) {
  const std::string text = "123456789";
  const auto trailer = genericio::trailer_of(std::as_bytes(std::span(text)));
  const std::array<unsigned, 8> expected{0x05, 0xc6, 0xe6, 0x20, 0x44, 0x36, 0xa2, 0x66};
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(static_cast<unsigned>(trailer[i]), expected[i]) << i;
  for (std::byte b : genericio::trailer_of({})) EXPECT_EQ(b, std::byte{0xff});
  EXPECT_TRUE(genericio::trailer_matches(std::as_bytes(std::span(text)), trailer.data()));
}

TEST(GenericIOInspect, HeaderFactsMatchTheManifest) {
  for (const TestVector& vector : test_vectors()) {
    SCOPED_TRACE(vector.file);
    const genericio::FileInfo info = genericio::inspect(genericio_vectors() / vector.file);
    EXPECT_EQ(info.big_endian, vector.big_endian);
    EXPECT_EQ(info.dims, vector.dims);
    EXPECT_EQ(info.phys_origin, vector.phys_origin);
    EXPECT_EQ(info.phys_scale, vector.phys_scale);
    EXPECT_EQ(info.block_headers, vector.block_headers);
    EXPECT_EQ(info.compressed_blocks, vector.compressed_blocks);
    EXPECT_EQ(info.subfiles.size(), vector.split ? 2u : 0u);
    ASSERT_EQ(info.variables.size(), vector.variables.size());
    for (std::size_t v = 0; v < vector.variables.size(); ++v) {
      EXPECT_EQ(info.variables[v].name, vector.variables[v].name);
      EXPECT_EQ(info.variables[v].dtype, vector.variables[v].dtype) << vector.variables[v].name;
      EXPECT_EQ(info.variables[v].components, vector.variables[v].components);
      EXPECT_EQ(info.variables[v].flags, vector.variables[v].flags) << vector.variables[v].name;
    }
    ASSERT_EQ(info.ranks.size(), vector.ranks.size());
    std::uint64_t total = 0;
    for (std::size_t r = 0; r < vector.ranks.size(); ++r) {
      EXPECT_EQ(info.ranks[r].rows, vector.ranks[r].rows);
      EXPECT_EQ(info.ranks[r].global_rank, vector.ranks[r].global_rank);
      EXPECT_EQ(info.ranks[r].coords, vector.ranks[r].coords);
      total += vector.ranks[r].rows;
    }
    EXPECT_EQ(info.total_rows, total);
  }
}

TEST(GenericIOHeader, EncodingReproducesTheReferenceHeaders) {
  for (const TestVector& vector : test_vectors()) {
    if (vector.split) continue;
    SCOPED_TRACE(vector.file);
    const auto path = genericio_vectors() / vector.file;
    const genericio::SourceFile source = genericio::open_source(path);
    const std::vector<std::byte> encoded = genericio::encode_header(source.header);
    const std::vector<std::byte> file = read_file_bytes(path);
    ASSERT_LE(encoded.size(), file.size());
    EXPECT_TRUE(std::equal(encoded.begin(), encoded.end(), file.begin()));
  }
}

TEST(GenericIORead, EveryVectorBitExactOnOneRank) {
  for (const TestVector& vector : test_vectors()) {
    SCOPED_TRACE(vector.file);
    expect_equal_soa(read_whole(genericio_vectors() / vector.file), expected_soa(vector, all_ranks(vector)), vector.file);
  }
}

TEST(GenericIORead, OnlyTheAskedVariablesInTheAskedOrder) {
  const TestVector& vector = test_vector("r4_compressed.gio");
  const auto path = genericio_vectors() / vector.file;
  const SoA soa = genericio::read(MPI_COMM_SELF, path, std::vector<std::string>{"u64", "x"}, genericio::Mismatch::Redistribute);
  EXPECT_EQ(soa.names(), (std::vector<std::string>{"u64", "x"}));
  EXPECT_TRUE(equal(soa.at("x"), expected_array(vector, vector.variables[0], all_ranks(vector))));
  EXPECT_THROW((void)genericio::read(MPI_COMM_SELF, path, std::vector<std::string>{"nope"}, genericio::Mismatch::Redistribute),
               KeyNotFound);
  EXPECT_THROW((void)genericio::read(MPI_COMM_SELF, path, std::vector<std::string>{"x", "x"}, genericio::Mismatch::Redistribute),
               InvalidData);
}

TEST(GenericIORead, MultiComponentVariablesHaveShapeRowsByComponents) {
  const SoA soa = read_whole(genericio_vectors() / "r4_cart.gio");
  EXPECT_EQ(soa.at("pos3").shape(), (Shape{38, 3}));
  EXPECT_EQ(soa.at("pos3").dtype(), DType::Float32);
}

TEST(GenericIORead, BigEndianFilesAreSwappedToHostOrder) {
  ScratchDir scratch(MPI_COMM_SELF);
  for (const std::string file : {"r2_basic.gio", "r4_cart.gio", "r4_blocks_raw.gio"}) {
    SCOPED_TRACE(file);
    const TestVector& vector = test_vector(file);
    make_big_endian(genericio_vectors() / file, scratch / file);
    const auto head = read_file_bytes(scratch / file);
    ASSERT_EQ(std::string(reinterpret_cast<const char*>(head.data()), 7), "HACC01B");
    EXPECT_TRUE(genericio::inspect(scratch / file).big_endian);
    EXPECT_EQ(genericio::inspect(scratch / file).phys_origin, vector.phys_origin);
    expect_equal_soa(read_whole(scratch / file), expected_soa(vector, all_ranks(vector)), file);
    EXPECT_TRUE(genericio::verify(scratch / file).problems.empty());
  }
}

TEST(GenericIORead, OldHeadersWithSmallerStructures) {
  ScratchDir scratch(MPI_COMM_SELF);
  write_file_bytes(scratch / "old.gio", old_style_r2_basic());
  const TestVector& vector = test_vector("r2_basic.gio");
  expect_equal_soa(read_whole(scratch / "old.gio"), expected_soa(vector, all_ranks(vector)), "old.gio");
  const genericio::FileInfo info = genericio::inspect(scratch / "old.gio");
  EXPECT_EQ(info.phys_origin, (std::array<double, 3>{0, 0, 0}));  // not stored: zeros, as the reference
  EXPECT_EQ(info.phys_scale, (std::array<double, 3>{0, 0, 0}));
  EXPECT_EQ(info.ranks[1].global_rank, 1u);  // not stored: the index
  EXPECT_EQ(info.variables[0].flags, vector.variables[0].flags);
}

TEST(GenericIOVerify, SoundVectorsHaveNoProblems) {
  for (const TestVector& vector : test_vectors()) {
    SCOPED_TRACE(vector.file);
    const genericio::VerifyReport report = genericio::verify(genericio_vectors() / vector.file);
    EXPECT_TRUE(report.problems.empty()) << report.problems.front();
    EXPECT_EQ(report.blocks, vector.ranks.size() * vector.variables.size());
    EXPECT_EQ(report.checked.size(), vector.split ? 3u : 1u);
  }
}

TEST(GenericIOVerify, CorruptVectorsAreNamed) {
  const auto header = genericio::verify(genericio_vectors() / "bad_header_crc.gio");
  ASSERT_EQ(header.problems.size(), 1u);
  EXPECT_NE(header.problems[0].find("header CRC"), std::string::npos) << header.problems[0];
  const auto data = genericio::verify(genericio_vectors() / "bad_data_crc.gio");
  ASSERT_EQ(data.problems.size(), 1u);
  // Offset 4000 is inside rank 0's second variable, "y".
  EXPECT_NE(data.problems[0].find("variable 'y' of file rank 0"), std::string::npos) << data.problems[0];
  EXPECT_NE(data.problems[0].find("data CRC"), std::string::npos) << data.problems[0];
  EXPECT_EQ(data.blocks, 26u);
}
