// Each rank lays out its own blocks from its own payload sizes and the scan of the ranks' spans
// (writer.hpp own_part_at, rank_span, blocks_start), while the file's rank 0 lays out the whole
// file for the header (plan_layout). The two must place every block at the same offset, or a
// rank would write where the header says nothing is: checked here for buffered, block-header,
// compressed-size and direct layouts, ranks with no rows and files without variables.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "genericio/writer.hpp"
#include "io/direct_writer.hpp"

using namespace soastore;
using namespace soastore::genericio;

namespace {

struct Case {
  std::size_t ranks;
  std::size_t variables;
  bool block_headers;
  bool compress;
  bool direct;
};

void expect_same_placement(const Case& c, std::mt19937_64& random) {
  WriteOptions options;
  options.block_headers = c.block_headers;
  options.compress = c.compress;
  options.phys_scale = {2.0, 2.0, 2.0};
  std::vector<Variable> variables;
  for (std::size_t v = 0; v < c.variables; ++v) {
    const std::uint64_t size = v % 2 == 0 ? 4 : 8;
    variables.push_back({"v" + std::to_string(v), 0, size, size});
  }
  std::vector<RankFacts> ranks;
  std::vector<std::vector<BlockExtent>> payloads(c.ranks);
  std::vector<BlockExtent> compressed;
  for (std::size_t r = 0; r < c.ranks; ++r) {
    const std::uint64_t rows = r % 3 == 1 ? 0 : random() % 5000;
    ranks.push_back({{r, 0, 0}, rows, 100 + r});
    for (const Variable& variable : variables) {
      // Compressed blocks have sizes of their own; raw ones rows x size.
      const BlockExtent payload{0, c.compress ? random() % (rows * variable.size + 1) : rows * variable.size,
                                c.compress && random() % 2 == 0};
      payloads[r].push_back(payload);
      compressed.push_back(payload);
    }
  }
  const std::array<std::uint64_t, 3> dims{c.ranks, 1, 1};
  const Layout whole = plan_layout(options, dims, variables, ranks,
                                   c.compress ? std::span<const BlockExtent>(compressed) : std::span<const BlockExtent>{},
                                   c.direct);
  const bool direct = c.direct && c.variables > 0;
  const std::uint64_t alignment = direct ? io::kDirectAlignment : 1;
  std::uint64_t scanned = 0;
  for (std::size_t r = 0; r < c.ranks; ++r) {
    const std::uint64_t start =
        blocks_start(c.variables, c.ranks, uses_block_headers(options, direct), alignment) + scanned;
    const Header own = own_part_at(options, dims, variables, ranks[r], payloads[r], start, direct);
    scanned += rank_span(payloads[r], alignment);
    ASSERT_EQ(own.ranks.size(), 1u);
    EXPECT_EQ(own.ranks[0].start, whole.header.ranks[r].start) << "rank " << r;
    EXPECT_EQ(own.ranks[0].rows, ranks[r].rows);
    EXPECT_EQ(own.ranks[0].global_rank, 100 + r);
    EXPECT_EQ(own.block_headers, whole.header.block_headers);
    ASSERT_EQ(own.blocks.size(), c.variables);
    for (std::size_t v = 0; v < c.variables; ++v) {
      const BlockExtent& expected = whole.header.block(r, v);
      EXPECT_EQ(own.blocks[v].offset, expected.offset) << "rank " << r << " variable " << v;
      EXPECT_EQ(own.blocks[v].size, expected.size);
      EXPECT_EQ(own.blocks[v].compressed, expected.compressed);
      if (direct) {
        EXPECT_EQ(own.blocks[v].offset % io::kDirectAlignment, 0u);
      }
    }
  }
  // The last rank's blocks end where the file does.
  if (c.variables > 0 && c.ranks > 0) {
    const BlockExtent& last = whole.header.block(c.ranks - 1, c.variables - 1);
    EXPECT_EQ(last.offset + last.size + 8, whole.file_length);
  }
}

}  // namespace

TEST(OwnLayout, EveryRankPlacesItsBlocksWhereTheHeaderSays) {
  std::mt19937_64 random(14);
  for (const std::size_t ranks : {1, 2, 3, 7, 64}) {
    for (const std::size_t variables : {0, 1, 5}) {
      for (const bool block_headers : {false, true}) {
        for (const bool compress : {false, true}) {
          for (const bool direct : {false, true}) {
            SCOPED_TRACE(testing::Message() << ranks << " ranks, " << variables << " variables, block headers "
                                            << block_headers << ", compress " << compress << ", direct " << direct);
            expect_same_placement({ranks, variables, block_headers, compress, direct}, random);
          }
        }
      }
    }
  }
}
