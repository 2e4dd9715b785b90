#include "support/reference_reading_rules.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>

#include "genericio/file_bytes.hpp"
#include "io/checksum.hpp"

namespace soastore::testing {
namespace {

std::uint64_t u64(const std::vector<std::byte>& file, std::uint64_t at) {
  std::uint64_t value = 0;
  if (at + 8 <= file.size()) std::memcpy(&value, file.data() + at, 8);
  return value;
}

// §5: the trailer is the complement of the CRC-64 (xz) of the bytes before it.
bool crc_ok(const std::vector<std::byte>& file, std::uint64_t start, std::uint64_t size) {
  if (start + size + 8 > file.size()) return false;
  return io::crc64_xz(std::span(file).subspan(start, size)) == ~u64(file, start + size);
}

struct Parsed {
  std::vector<std::byte> bytes;
  std::vector<std::pair<std::string, std::uint64_t>> variables;  // name, Size (bytes per row)
  std::uint64_t nranks = 0, ranks_size = 0, ranks_start = 0, blocks_size = 0, blocks_start = 0;
};

std::optional<Parsed> parse(const std::filesystem::path& path) {
  Parsed file{read_file_bytes(path), {}};
  const auto& b = file.bytes;
  if (b.size() < 168 || std::memcmp(b.data(), "HACC01L", 7) != 0) return std::nullopt;
  const std::uint64_t header_size = u64(b, 8);
  if (!crc_ok(b, 0, header_size)) return std::nullopt;
  const std::uint64_t nvars = u64(b, 48), vars_size = u64(b, 56), vars_start = u64(b, 64);
  file.nranks = u64(b, 72);
  file.ranks_size = u64(b, 80);
  file.ranks_start = u64(b, 88);
  file.blocks_size = u64(b, 152);
  file.blocks_start = u64(b, 160);
  for (std::uint64_t v = 0; v < nvars; ++v) {
    const std::uint64_t at = vars_start + v * vars_size;
    const char* name = reinterpret_cast<const char*>(b.data() + at);
    file.variables.emplace_back(std::string(name, strnlen(name, 256)), u64(b, at + 264));
  }
  return file;
}

std::uint64_t rank_field(const Parsed& file, std::uint64_t index, std::uint64_t offset) {
  return u64(file.bytes, file.ranks_start + index * file.ranks_size + offset);
}

}  // namespace

ReferenceRead read_by_reference_rules(const std::filesystem::path& path, std::uint64_t rank) {
  ReferenceRead read;
  std::optional<Parsed> file = parse(path);
  if (!file) {
    ADD_FAILURE() << path << ": not a GenericIO file by the rules (magic, HeaderSize, header CRC)";
    return read;
  }
  // §7: a rank map is a 1-rank file with an int32 (flags 2, size 4) variable "$partition".
  read.data_file = path;
  for (std::size_t v = 0; v < file->variables.size(); ++v) {
    if (file->nranks != 1 || file->variables[v].first != "$partition" || file->variables[v].second != 4) continue;
    // The map's one rank: its blocks consecutive from Start (§2.7), NElems rows each.
    const std::uint64_t rows = rank_field(*file, 0, 24);
    std::uint64_t at = rank_field(*file, 0, 32);
    for (std::size_t before = 0; before < v; ++before) at += rows * file->variables[before].second + 8;
    if (!crc_ok(file->bytes, at, rows * 4) || rank >= rows) {
      ADD_FAILURE() << path << ": rank map's $partition block is damaged or lacks rank " << rank;
      return read;
    }
    std::int32_t partition = 0;
    std::memcpy(&partition, file->bytes.data() + at + 4 * rank, 4);
    read.split = true;
    read.data_file = path.string() + "#" + std::to_string(partition);
    file = parse(read.data_file);
    if (!file) {
      ADD_FAILURE() << read.data_file << ": the sub-file the map names is not a GenericIO file";
      return read;
    }
    break;
  }
  // The rank header whose GlobalRank is `rank` (its index when GlobalRank is absent, §2.4).
  std::optional<std::uint64_t> index;
  for (std::uint64_t r = 0; r < file->nranks; ++r) {
    const std::uint64_t global = file->ranks_size >= 48 ? rank_field(*file, r, 40) : r;
    if (global == rank) index = r;
  }
  if (!index) {
    ADD_FAILURE() << read.data_file << ": no rank header of rank " << rank;
    return read;
  }
  read.nranks = file->nranks;
  read.blocks_size = file->blocks_size;
  read.rank_start = rank_field(*file, *index, 32);
  const std::uint64_t rows = rank_field(*file, *index, 24);
  std::uint64_t at = read.rank_start;
  const std::size_t nvars = file->variables.size();
  for (std::size_t v = 0; v < nvars; ++v) {
    std::uint64_t start = at, size = rows * file->variables[v].second;
    if (file->blocks_size > 0) {
      const std::uint64_t block = file->blocks_start + (*index * nvars + v) * file->blocks_size;
      EXPECT_EQ(u64(file->bytes, block), 0u) << "raw block expected (no filter)";
      start = u64(file->bytes, block + 32);
      size = u64(file->bytes, block + 40);
    }
    EXPECT_TRUE(crc_ok(file->bytes, start, size)) << read.data_file << ": CRC of " << file->variables[v].first;
    ReferenceRead::Block& block = read.variables[file->variables[v].first];
    block.start = start;
    if (start + size <= file->bytes.size()) {
      block.payload.assign(file->bytes.begin() + static_cast<std::ptrdiff_t>(start),
                           file->bytes.begin() + static_cast<std::ptrdiff_t>(start + size));
    }
    at = start + size + 8;
  }
  return read;
}

}  // namespace soastore::testing
