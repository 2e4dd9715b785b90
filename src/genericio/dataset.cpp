#include "genericio/dataset.hpp"

#include <algorithm>
#include <cstring>

#include "genericio/block_reader.hpp"
#include "soastore/errors.hpp"

namespace soastore::genericio {
namespace {

constexpr std::string_view kPartitionVariable = "$partition";

[[noreturn]] void corrupt(const std::string& path, const std::string& what) {
  throw CorruptFile("GenericIO file '" + path + "' is corrupt: " + what, path);
}

// A rank map is a 1-rank file with an int32 column "$partition" (the reference's own test:
// it tries to read that column from a 1-rank file).
bool is_rank_map(const Header& header) {
  if (header.ranks.size() != 1) return false;
  const std::size_t v = header.find(kPartitionVariable);
  return v != static_cast<std::size_t>(-1) && header.variables[v].size == 4 && header.variables[v].element_size == 4 &&
         element_dtype(header.variables[v]) == DType::Int32;
}

std::vector<std::int32_t> read_partitions(SourceFile& map) {
  const std::size_t v = map.header.find(kPartitionVariable);
  std::vector<std::int32_t> partitions(map.header.ranks[0].rows);
  const BlockRead read{0, v, std::as_writable_bytes(std::span(partitions))};
  read_blocks(map, {&read, 1});
  return partitions;
}

bool same_variables(const Header& a, const Header& b) {
  return std::equal(a.variables.begin(), a.variables.end(), b.variables.begin(), b.variables.end(),
                    [](const Variable& x, const Variable& y) {
                      return x.name == y.name && x.flags == y.flags && x.size == y.size &&
                             x.element_size == y.element_size;
                    });
}

}  // namespace

std::vector<std::byte> read_header_bytes(io::File& file, const std::string& path) {
  const std::uint64_t size = file.size();
  std::vector<std::byte> bytes(std::min<std::uint64_t>(kProbeSize, size));
  if (file.read_at(bytes, 0) != bytes.size()) corrupt(path, "the file shrank while its header was read");
  // The length comes from the probe and is checked against the file size before allocating.
  bytes.resize(stored_header_length(bytes, size, path));
  if (file.read_at(bytes, 0) != bytes.size()) corrupt(path, "the file shrank while its header was read");
  return bytes;
}

namespace {

SourceFile open_with_header(const std::filesystem::path& path, std::span<const std::byte> header_bytes) {
  SourceFile source{path.string(), io::File::open_read(path), 0, {}};
  source.size = source.file.size();
  source.header = decode_header(header_bytes, source.size, source.path);
  return source;
}

}  // namespace

SourceFile open_source(const std::filesystem::path& path) {
  SourceFile source{path.string(), io::File::open_read(path), 0, {}};
  source.size = source.file.size();
  source.header = decode_header(read_header_bytes(source.file, source.path), source.size, source.path);
  return source;
}

Dataset Dataset::of_own_part(const std::filesystem::path& path, Header own_part) {
  Dataset dataset;
  dataset.path_ = path;
  // No size: the extents come from our own write, and a short file shows as a short read.
  dataset.files_.push_back(SourceFile{path.string(), io::File::open_read(path), 0, std::move(own_part)});
  dataset.ranks_.push_back({0, 0});
  return dataset;
}

Dataset Dataset::open(const std::filesystem::path& path) {
  Dataset dataset = open_first(path, open_source(path));
  std::vector<std::size_t> all(dataset.ranks_.size());
  for (std::size_t r = 0; r < all.size(); ++r) all[r] = r;
  dataset.open_subfiles_for(all);
  return dataset;
}

Dataset Dataset::open(const std::filesystem::path& path, std::span<const std::byte> header_bytes) {
  return open_first(path, open_with_header(path, header_bytes));
}

Dataset Dataset::open_first(const std::filesystem::path& path, SourceFile first) {
  Dataset dataset;
  dataset.path_ = path;
  if (!is_rank_map(first.header)) {
    dataset.files_.push_back(std::move(first));
    for (std::size_t r = 0; r < dataset.files_[0].header.ranks.size(); ++r) dataset.ranks_.push_back({0, r});
    return dataset;
  }

  dataset.split_ = true;
  dataset.partitions_ = read_partitions(first);
  if (dataset.partitions_.empty()) corrupt(path.string(), "the rank map lists no ranks");
  for (std::size_t world_rank = 0; world_rank < dataset.partitions_.size(); ++world_rank) {
    if (dataset.partitions_[world_rank] < 0) {
      corrupt(path.string(), "the rank map gives world rank " + std::to_string(world_rank) + " partition " +
                                 std::to_string(dataset.partitions_[world_rank]));
    }
  }
  dataset.map_.emplace(std::move(first));
  dataset.ranks_.assign(dataset.partitions_.size(), RankRef{kNotOpened, 0});
  return dataset;
}

std::size_t Dataset::subfile(std::int32_t partition) {
  const auto [it, added] = file_of_partition_.try_emplace(partition, files_.size());
  if (added) {
    try {
      files_.push_back(open_source(path_.string() + "#" + std::to_string(partition)));
    } catch (...) {
      file_of_partition_.erase(it);
      throw;
    }
    if (!same_variables(files_.front().header, files_.back().header)) {
      corrupt(files_.back().path, "its variables differ from those of '" + files_.front().path + "'");
    }
  }
  return it->second;
}

void Dataset::open_subfiles_for(std::span<const std::size_t> ranks) {
  if (!split_) return;
  const std::size_t first_rank = 0;
  for (const std::size_t world_rank : ranks.empty() ? std::span<const std::size_t>(&first_rank, 1) : ranks) {
    RankRef& ref = ranks_.at(world_rank);
    if (ref.file != kNotOpened) continue;
    const std::size_t file = subfile(partitions_[world_rank]);
    const Header& sub = files_[file].header;
    const auto found = std::find_if(sub.ranks.begin(), sub.ranks.end(),
                                    [&](const RankHeader& rank) { return rank.global_rank == world_rank; });
    if (found == sub.ranks.end()) {
      corrupt(files_[file].path,
              "the rank map puts world rank " + std::to_string(world_rank) + " here, but no rank header has it");
    }
    ref = {file, static_cast<std::size_t>(found - sub.ranks.begin())};
  }
}

}  // namespace soastore::genericio
