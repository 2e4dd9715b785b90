#include "genericio/rank_map.hpp"

#include <cstring>
#include <limits>
#include <span>
#include <string>

#include "genericio/crc_trailer.hpp"
#include "genericio/writer.hpp"
#include "io/file.hpp"
#include "soastore/errors.hpp"

namespace soastore::genericio {
namespace {

constexpr std::uint64_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();

[[noreturn]] void invalid(const std::string& what) { throw InvalidData("GenericIO rank map: " + what); }

void check(const RankMap& map) {
  const std::size_t ranks = map.partitions.size();
  if (ranks == 0) invalid("no ranks (a map lists every world rank's partition)");
  if (ranks - 1 > kMaxInt32) invalid(std::to_string(ranks) + " ranks, more than int32 $rank values can name");
  for (std::size_t r = 0; r < ranks; ++r) {
    if (map.partitions[r] < 0) {
      invalid("world rank " + std::to_string(r) + " has partition " + std::to_string(map.partitions[r]) +
              " (partitions are 0 or more)");
    }
  }
  if (!map.cartesian) {
    if (!map.coords.empty()) invalid(std::to_string(map.coords.size()) + " coordinates for a non-Cartesian writer");
    return;
  }
  if (map.coords.size() != ranks) {
    invalid(std::to_string(map.coords.size()) + " coordinates for " + std::to_string(ranks) + " ranks");
  }
  std::uint64_t cells = 1;
  for (const std::uint64_t extent : map.dims) {
    // Each extent fits an int32 (so every coordinate does), and so does their product.
    if (extent == 0 || extent > kMaxInt32 || cells > kMaxInt32 / extent) {
      invalid("grid " + std::to_string(map.dims[0]) + "x" + std::to_string(map.dims[1]) + "x" +
              std::to_string(map.dims[2]) + " is not one of " + std::to_string(ranks) + " ranks");
    }
    cells *= extent;
  }
  if (cells != ranks) {
    invalid("grid " + std::to_string(map.dims[0]) + "x" + std::to_string(map.dims[1]) + "x" +
            std::to_string(map.dims[2]) + " has " + std::to_string(cells) + " cells for " + std::to_string(ranks) +
            " ranks");
  }
  for (std::size_t r = 0; r < ranks; ++r) {
    for (std::size_t d = 0; d < 3; ++d) {
      if (map.coords[r][d] >= map.dims[d]) {
        invalid("world rank " + std::to_string(r) + " has coordinate " + std::to_string(map.coords[r][d]) +
                " in dimension " + std::to_string(d) + " of extent " + std::to_string(map.dims[d]));
      }
    }
  }
}

// The map's columns in the reference's order, each one int32 per world rank.
std::vector<std::vector<std::int32_t>> columns_of(const RankMap& map) {
  const std::size_t ranks = map.partitions.size();
  std::vector<std::vector<std::int32_t>> columns;
  columns.emplace_back(ranks);
  for (std::size_t r = 0; r < ranks; ++r) columns[0][r] = static_cast<std::int32_t>(r);
  columns.emplace_back(map.partitions);
  if (map.cartesian) {
    for (std::size_t d = 0; d < 3; ++d) {
      std::vector<std::int32_t>& column = columns.emplace_back(ranks);
      for (std::size_t r = 0; r < ranks; ++r) column[r] = static_cast<std::int32_t>(map.coords[r][d]);
    }
  }
  return columns;
}

}  // namespace

std::vector<std::byte> encode_rank_map(const RankMap& map) {
  check(map);
  static constexpr const char* kNames[] = {"$rank", "$partition", "$x", "$y", "$z"};
  const std::vector<std::vector<std::int32_t>> columns = columns_of(map);
  std::vector<Variable> variables;
  for (std::size_t v = 0; v < columns.size(); ++v) {
    variables.push_back({kNames[v], type_flags(DType::Int32), sizeof(std::int32_t), sizeof(std::int32_t)});
  }
  // One file rank at (0,0,0) holding every world rank's row, on a 1x1x1 grid, with the default
  // (zero) origin and scale, buffered: the reference's map exactly.
  const RankFacts facts{{0, 0, 0}, map.partitions.size()};
  const Layout layout = plan_layout(WriteOptions{}, {1, 1, 1}, std::move(variables), {&facts, 1}, {}, false);
  std::vector<std::byte> bytes = encode_header(layout.header);
  bytes.resize(layout.file_length);
  for (std::size_t v = 0; v < columns.size(); ++v) {
    const BlockExtent& block = layout.header.block(0, v);
    const std::span<const std::byte> payload = std::as_bytes(std::span(columns[v]));
    std::memcpy(bytes.data() + block.offset, payload.data(), payload.size());
    const Trailer trailer = trailer_of(payload);
    std::memcpy(bytes.data() + block.offset + block.size, trailer.data(), trailer.size());
  }
  return bytes;
}

void write_rank_map(const std::filesystem::path& path, const RankMap& map) {
  const std::vector<std::byte> bytes = encode_rank_map(map);
  io::File file = io::File::create(path);
  file.write_at(bytes, 0);
  file.close();
}

}  // namespace soastore::genericio
