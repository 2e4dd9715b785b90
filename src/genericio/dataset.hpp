#pragma once
// An opened GenericIO "file": one file, or for a split file the rank map plus its sub-files
// ("name#N"). Opening reads and checks every header (and the rank map's partition column), so
// afterwards every rank's blocks are known to lie inside their files; a collective reader opens
// only the sub-files of the ranks it reads (open_subfiles_for).

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "genericio/header.hpp"
#include "io/file.hpp"

namespace soastore::genericio {

struct SourceFile {
  std::string path;
  io::File file;
  std::uint64_t size = 0;
  Header header;
};

// The header bytes (with their trailer) at the start of `file`, read with bounded reads;
// CorruptFile naming the path unless they are a GenericIO header that fits in the file.
[[nodiscard]] std::vector<std::byte> read_header_bytes(io::File& file, const std::string& path);

// Opens `path` and reads its header with bounded reads; CorruptFile or IoError naming the path.
SourceFile open_source(const std::filesystem::path& path);

class Dataset {
 public:
  // Which file holds a (world) rank's data, and at which rank header.
  struct RankRef {
    std::size_t file = 0;
    std::size_t index = 0;
  };

  static Dataset open(const std::filesystem::path& path);
  // As open, with the header of `path` itself already read (by another rank, genericio_read.cpp):
  // it is decoded and checked here as open would, and only the data are read from the file. Of a
  // split file only the rank map is read: open_subfiles_for opens the sub-files a reader needs.
  static Dataset open(const std::filesystem::path& path, std::span<const std::byte> header_bytes);

  // Opens and checks the sub-files that hold world ranks `ranks` (and, when there are none, the
  // first rank's, for the variables), each once; nothing for a file that is not split. With one
  // sub-file per rank group, opening them all would cost every reader one open per group: P^2
  // opens over a job whose ranks each read their own rank. Before it, only ranks().size(),
  // split() and rank_map() may be asked; afterwards also layout() and these ranks' headers.
  void open_subfiles_for(std::span<const std::size_t> ranks);
  // The blocks of one rank of `path` as own_part (genericio/writer.hpp) describes them, for a
  // writer reading back what it wrote: opens the file and reads nothing else, so file rank 0 of
  // the result is that rank. A file cut short or changed since is caught by the blocks' CRCs
  // and lengths as they are read (CorruptFile).
  static Dataset of_own_part(const std::filesystem::path& path, Header own_part);

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  // Variables, dims, origin and scale (the same in every sub-file).
  [[nodiscard]] const Header& layout() const noexcept { return files_.front().header; }
  [[nodiscard]] std::vector<SourceFile>& files() noexcept { return files_; }
  [[nodiscard]] const std::vector<SourceFile>& files() const noexcept { return files_; }
  // File ranks in order (world rank order for split files).
  [[nodiscard]] const std::vector<RankRef>& ranks() const noexcept { return ranks_; }
  [[nodiscard]] const RankHeader& rank_header(std::size_t rank) const {
    return files_[ranks_[rank].file].header.ranks[ranks_[rank].index];
  }
  [[nodiscard]] bool split() const noexcept { return split_; }
  // The rank map file (only for split files; its data were read and checked on open).
  [[nodiscard]] const SourceFile* rank_map() const noexcept { return map_ ? &*map_ : nullptr; }

 private:
  // The rest of open once `first`, the file at `path`, is open with its header decoded.
  static Dataset open_first(const std::filesystem::path& path, SourceFile first);

  std::filesystem::path path_;
  std::vector<SourceFile> files_;
  std::optional<SourceFile> map_;  // the rank map file of a split file
  std::vector<std::int32_t> partitions_;  // of a split file: each world rank's sub-file number
  std::map<std::int32_t, std::size_t> file_of_partition_;  // the sub-files opened so far
  std::vector<RankRef> ranks_;  // of a split file, file kNotOpened until its sub-file is opened
  bool split_ = false;

  static constexpr std::size_t kNotOpened = static_cast<std::size_t>(-1);
  // The index in files_ of sub-file `partition`, opening and checking it the first time.
  std::size_t subfile(std::int32_t partition);
};

}  // namespace soastore::genericio
