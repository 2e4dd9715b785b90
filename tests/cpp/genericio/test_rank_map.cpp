// The rank map of a split GenericIO file (genericio/rank_map.hpp): the reference's bytes for
// r4_split.gio, a whole split file written serially and read back by our reader, and the inputs
// that cannot make a map.
#include <gtest/gtest.h>
#include <mpi.h>

#include "genericio/block_reader.hpp"
#include "genericio/dataset.hpp"
#include "genericio/file_bytes.hpp"
#include "genericio/rank_map.hpp"
#include "genericio/vector_catalog.hpp"
#include "genericio/writer.hpp"
#include "soastore/errors.hpp"
#include "soastore/genericio_mpi.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

namespace fs = std::filesystem;

// The map r4_split.gio holds: 4 world ranks on a 2x2x1 grid, partition rank % 2, the
// coordinates the manifest gives each rank.
genericio::RankMap r4_split_map() {
  const TestVector& vector = test_vector("r4_split.gio");
  genericio::RankMap map;
  map.cartesian = true;
  map.dims = vector.dims;
  for (const VectorRank& rank : vector.ranks) {
    map.partitions.push_back(static_cast<std::int32_t>(rank.global_rank % 2));
    map.coords.push_back(rank.coords);
  }
  return map;
}

// A sub-file as a split write makes it with the serial writer: the file ranks are the world
// ranks `world_ranks` (in order, each with its own data `parts[i]` and coordinates `coords[i]`),
// on the world's grid `dims`, and each rank header's GlobalRank is that world rank.
using Coords = std::array<std::uint64_t, 3>;
void write_subfile(const fs::path& path, const genericio::WriteOptions& options, const Coords& dims,
                   const std::vector<std::uint64_t>& world_ranks, const std::vector<Coords>& coords,
                   const std::vector<SoA>& parts) {
  const std::vector<genericio::Variable> variables = genericio::describe_variables(parts.at(0), options);
  std::vector<genericio::RankFacts> facts;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    facts.push_back({coords[i], genericio::rows_of(parts[i]), world_ranks[i]});
  }
  const genericio::Layout layout = genericio::plan_layout(options, dims, variables, facts, {}, false);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::vector<genericio::Payload> payloads = genericio::prepare_payloads(parts[i], variables, false);
    const genericio::Header own = genericio::own_part_at(options, dims, variables, facts[i],
                                                         genericio::payload_extents(payloads),
                                                         layout.header.ranks[i].start, false);
    genericio::write_rank_part(path, own, false, i == 0 ? &layout : nullptr, payloads);
  }
}

std::vector<std::int32_t> read_map_column(genericio::SourceFile& map, const std::string& name) {
  const std::size_t v = map.header.find(name);
  EXPECT_NE(v, static_cast<std::size_t>(-1)) << name;
  std::vector<std::int32_t> column(map.header.ranks.at(0).rows);
  const genericio::BlockRead read{0, v, std::as_writable_bytes(std::span(column))};
  genericio::read_blocks(map, {&read, 1});
  return column;
}

SoA rows(std::vector<std::int64_t> ids, std::vector<float> x) {
  SoA soa;
  soa["id"] = Array::from(std::move(ids));
  soa["x"] = Array::from(std::move(x));
  return soa;
}

void expect_invalid(const genericio::RankMap& map, const std::string& message) {
  try {
    (void)genericio::encode_rank_map(map);
    ADD_FAILURE() << "no error for a map that should give '" << message << "'";
  } catch (const InvalidData& error) {
    EXPECT_NE(std::string(error.what()).find(message), std::string::npos) << error.what();
  }
}

}  // namespace

TEST(GenericIORankMap, EncodingIsTheReferenceMapOfR4Split) {
  const std::vector<std::byte> reference = read_file_bytes(genericio_vectors() / "r4_split.gio");
  ASSERT_EQ(reference.size(), 1744u);
  EXPECT_EQ(genericio::encode_rank_map(r4_split_map()), reference);
}

TEST(GenericIORankMap, WrittenFileIsTheReferenceMapOfR4Split) {
  ScratchDir scratch(MPI_COMM_SELF);
  const fs::path path = scratch / "r4_split.gio";
  write_file_bytes(path, std::vector<std::byte>(5000, std::byte{0x5a}));  // longer junk is replaced
  genericio::write_rank_map(path, r4_split_map());
  EXPECT_EQ(read_file_bytes(path), read_file_bytes(genericio_vectors() / "r4_split.gio"));
}

// The whole of r4_split.gio again, serially: the map by write_rank_map and each partition's
// sub-file by the serial writer with the world ranks as GlobalRank (what a split write does).
TEST(GenericIORankMap, WholeSplitFileIsTheReferences) {
  const TestVector& vector = test_vector("r4_split.gio");
  ScratchDir scratch(MPI_COMM_SELF);
  const fs::path path = scratch / vector.file;
  const genericio::RankMap map = r4_split_map();
  genericio::write_rank_map(path, map);
  genericio::WriteOptions options;
  options.phys_origin = vector.phys_origin;
  options.phys_scale = vector.phys_scale;
  for (const auto& variable : vector.variables) {
    const std::uint64_t extra = variable.flags & ~std::uint64_t{3};
    if (extra != 0) options.variable_flags[variable.name] = extra;
  }
  for (const std::int32_t partition : {0, 1}) {
    std::vector<std::uint64_t> world_ranks;
    std::vector<std::array<std::uint64_t, 3>> coords;
    std::vector<SoA> parts;
    for (std::size_t r = 0; r < vector.ranks.size(); ++r) {
      if (map.partitions[r] != partition) continue;
      world_ranks.push_back(vector.ranks[r].global_rank);
      coords.push_back(vector.ranks[r].coords);
      parts.push_back(expected_soa(vector, {r}));
    }
    write_subfile(path.string() + "#" + std::to_string(partition), options, vector.dims, world_ranks, coords, parts);
  }
  for (const std::string member : {"", "#0", "#1"}) {
    EXPECT_EQ(read_file_bytes(path.string() + member), read_file_bytes(genericio_vectors() / (vector.file + member)))
        << vector.file << member;
  }
}

// A map of a non-Cartesian writer (no $x/$y/$z), with partition numbers that are not 0..n-1,
// read back by our reader as the rank map of a split file.
TEST(GenericIORankMap, NonCartesianMapRoundTripsAsASplitFile) {
  ScratchDir scratch(MPI_COMM_SELF);
  const fs::path path = scratch / "plain.gio";
  genericio::RankMap map;
  map.partitions = {0, 7, 0};
  genericio::write_rank_map(path, map);
  const std::vector<SoA> parts = {rows({10, 11}, {0.5f, 1.5f}), rows({}, {}), rows({30, 31, 32}, {3.5f, 4.5f, 5.5f})};
  const std::array<std::uint64_t, 3> dims{3, 1, 1};
  write_subfile(path.string() + "#0", {}, dims, {0, 2}, {{0, 0, 0}, {2, 0, 0}}, {parts[0], parts[2]});
  write_subfile(path.string() + "#7", {}, dims, {1}, {{1, 0, 0}}, {parts[1]});

  genericio::SourceFile source = genericio::open_source(path);
  const genericio::Header& header = source.header;
  EXPECT_EQ(header.dims, (std::array<std::uint64_t, 3>{1, 1, 1}));
  EXPECT_EQ(header.phys_origin, (std::array<double, 3>{}));
  EXPECT_EQ(header.phys_scale, (std::array<double, 3>{}));
  EXPECT_FALSE(header.block_headers);
  ASSERT_EQ(header.ranks.size(), 1u);
  EXPECT_EQ(header.ranks[0].rows, 3u);
  EXPECT_EQ(header.ranks[0].global_rank, 0u);
  EXPECT_EQ(header.ranks[0].coords, (std::array<std::uint64_t, 3>{}));
  ASSERT_EQ(header.variables.size(), 2u);
  for (std::size_t v = 0; v < 2; ++v) {
    EXPECT_EQ(header.variables[v].name, v == 0 ? "$rank" : "$partition");
    EXPECT_EQ(header.variables[v].flags, 2u);  // signed int32, as the reference
    EXPECT_EQ(header.variables[v].size, 4u);
    EXPECT_EQ(header.variables[v].element_size, 4u);
  }
  EXPECT_EQ(read_map_column(source, "$rank"), (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_EQ(read_map_column(source, "$partition"), map.partitions);

  genericio::Dataset dataset = genericio::Dataset::open(path);
  EXPECT_TRUE(dataset.split());
  ASSERT_NE(dataset.rank_map(), nullptr);
  ASSERT_EQ(dataset.files().size(), 2u);
  EXPECT_EQ(dataset.files()[0].path, path.string() + "#0");
  EXPECT_EQ(dataset.files()[1].path, path.string() + "#7");
  ASSERT_EQ(dataset.ranks().size(), 3u);
  for (std::size_t r = 0; r < 3; ++r) EXPECT_EQ(dataset.rank_header(r).global_rank, r);

  const SoA back = genericio::read(MPI_COMM_SELF, path, std::nullopt, genericio::Mismatch::Redistribute);
  EXPECT_TRUE(equal(back.at("id"), Array::from(std::vector<std::int64_t>{10, 11, 30, 31, 32})));
  EXPECT_TRUE(equal(back.at("x"), Array::from(std::vector<float>{0.5f, 1.5f, 3.5f, 4.5f, 5.5f})));
  const genericio::VerifyReport report = genericio::verify(path);
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  EXPECT_EQ(report.checked.size(), 3u);
}

TEST(GenericIORankMap, InputsThatCannotBeAMapAreInvalidData) {
  expect_invalid({}, "no ranks");
  genericio::RankMap negative;
  negative.partitions = {0, -1};
  expect_invalid(negative, "world rank 1 has partition -1");

  genericio::RankMap cartesian = r4_split_map();
  cartesian.coords.pop_back();
  expect_invalid(cartesian, "3 coordinates for 4 ranks");
  cartesian = r4_split_map();
  cartesian.coords.push_back({0, 0, 0});
  expect_invalid(cartesian, "5 coordinates for 4 ranks");
  cartesian = r4_split_map();
  cartesian.coords[3] = {1, 2, 0};
  expect_invalid(cartesian, "world rank 3 has coordinate 2 in dimension 1");
  cartesian = r4_split_map();
  cartesian.dims = {2, 1, 1};
  expect_invalid(cartesian, "has 2 cells for 4 ranks");
  cartesian.dims = {4, 0, 1};
  expect_invalid(cartesian, "is not one of 4 ranks");

  genericio::RankMap plain;
  plain.partitions = {0, 1};
  plain.coords = {{0, 0, 0}, {1, 0, 0}};
  expect_invalid(plain, "2 coordinates for a non-Cartesian writer");

  ScratchDir scratch(MPI_COMM_SELF);
  EXPECT_THROW(genericio::write_rank_map(scratch / "none.gio", negative), InvalidData);
  EXPECT_FALSE(fs::exists(scratch / "none.gio"));  // checked before anything is created
}
