#pragma once
// One rank's share of a group archive: the npz archive that the ranks of a file group write
// together, one per key and group (NumpyStore with file_groups; the collective part is in
// src/mpi/npz_group_write.hpp, this is the byte work, without MPI).
//
// Layout (docs/npz.md, "Group archives"):
//
//   [rank a's members][rank b's members]...[rank a's directory entries][rank b's entries]...[end records]
//
// Rank R's members are "rank-{R:06}/NAME.npy" (its world rank), stored, data on 4096-byte
// boundaries as write_npz writes them. Each rank's run of members is padded to a multiple of 4096
// bytes (a hole, never written), so a run may start at any offset an exclusive scan of the runs
// gives and its data stay aligned. Each rank encodes its own central-directory entries: every one
// holds its member's offset in a ZIP64 extra field, because a rank must know its entries' size
// before the scan tells it where its members land (the scan gives both at once). The group's
// first rank writes the end records. So every rank needs only three sums (its prefix of the
// runs, entry bytes and entries, and their totals): nothing about any other rank's members, and
// no rank gathers the directory.

#include <cstdint>
#include <filesystem>
#include <optional>

#include "npz/zip_directory.hpp"
#include "npz/zip_writer.hpp"
#include "soastore/soa.hpp"

namespace soastore::npz {

// What a share contributes to the group's sums, and the sums themselves.
struct ShareExtent {
  std::uint64_t run_bytes = 0;        // its members, padded to a multiple of kDataAlignment
  std::uint64_t directory_bytes = 0;  // its central-directory entries
  std::uint64_t entries = 0;
};

class GroupShare {
 public:
  // Plans the members of `soa` for world rank `rank`. InvalidData for a field name an archive
  // cannot hold. `soa` must outlive the share (it writes from the arrays).
  GroupShare(const SoA& soa, int rank, const WriteOptions& options);

  [[nodiscard]] ShareExtent extent() const noexcept { return extent_; }
  // Places the share: `before` is the sum of the extents of the group's ranks before this one,
  // `total` of all of them. `writes_end`: this rank writes the end records (the group's first).
  void place(const ShareExtent& before, const ShareExtent& total, bool writes_end);

  // Writes the placed share into `path`, which the other ranks of the group write too (created
  // if missing, never truncated: the file must not exist before the group writes it).
  void write(const std::filesystem::path& path, IoMode io);

  // Where this rank's members are, once written (their CRCs known): what it reads them back from
  // without the central directory. The members carry the plain field names.
  [[nodiscard]] ZipDirectory own_members() const;

 private:
  WriteOptions options_;
  PlannedMembers planned_;
  std::size_t folder_length_;
  ShareExtent extent_;
  ShareExtent total_;
  std::uint64_t directory_offset_ = 0;  // of this rank's entries
  bool writes_end_ = false;
};

// The members of world rank `rank` in the group archive `file` (open), from its central
// directory: what a rank reads when it does not remember its layout. Plain field names.
[[nodiscard]] ZipDirectory read_own_members(io::File& file, int rank);

}  // namespace soastore::npz
