#pragma once
// Writes an SoA as a zip archive of stored .npy members, each member's array data starting on a
// 4096-byte boundary, straight from the arrays' buffers a cache-sized chunk at a time, each chunk
// checksummed right before it is written.
//
// The pieces are shared by the two archives we write: write_npz (one writer, the whole archive)
// and a rank's share of a group archive (npz/group_archive.hpp: its members at an offset the
// ranks agreed on, its central-directory entries elsewhere in the same file). Both plan their
// members with plan_members, write them with write_members and encode the directory with
// encode_central_entries and encode_end_records.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "npz/zip_format.hpp"
#include "soastore/io_mode.hpp"
#include "soastore/soa.hpp"

namespace soastore::npz {

inline constexpr std::size_t kDataAlignment = 4096;

struct WriteOptions {
  // Sizes, offsets and counts at or above this go to ZIP64 records. The zip limit by default;
  // tests lower it to 0 to take the ZIP64 path with small data.
  std::uint64_t zip64_threshold = zip::kZip64Marker32;
  // soastore/io_mode.hpp; the archive's bytes do not depend on it.
  IoMode io = IoMode::Buffered;
};

// Where one member goes. Its local header and npy header are bytes [begin, end) of the buffer of
// local sections; its array data follow them in the file, written from the array itself.
struct PlannedMember {
  std::string name;
  const Array* array;
  std::uint32_t crc;     // known once the member is written
  std::uint64_t size;    // npy header + data; stored, so compressed and uncompressed alike
  std::uint64_t offset;  // of the local header
  bool zip64_sizes;
  bool zip64_offset;
  std::size_t begin;
  std::size_t end;
};

// The members of an SoA laid out back to back: their local sections (CRCs still zero) and places.
struct PlannedMembers {
  std::vector<std::byte> locals;
  std::vector<PlannedMember> members;
  std::uint64_t begin = 0;  // the first local header
  std::uint64_t end = 0;    // just past the last member's data
};

// Lays out every array of `soa` as member "{folder}NAME.npy" from `begin` (a multiple of
// kDataAlignment, so that the data alignment does not depend on it). With `zip64_offsets` every
// member's central entry holds its offset in the ZIP64 extra field, so the entry's size does not
// depend on where the member lands. InvalidData for a field name an archive cannot hold.
[[nodiscard]] PlannedMembers plan_members(const SoA& soa, std::uint64_t begin, std::string_view folder,
                                          const WriteOptions& options, bool zip64_offsets = false);

// Moves planned members by `distance` bytes (a multiple of kDataAlignment): the local sections
// hold no offsets, so only the places change.
void move_members(PlannedMembers& planned, std::uint64_t distance);

// The central-directory entries of `members` (their CRCs are written into them as they stand).
[[nodiscard]] std::vector<std::byte> encode_central_entries(const std::vector<PlannedMember>& members);

// The end records of an archive with `entries` members whose directory of `directory_size` bytes
// starts at `directory_offset`: a ZIP64 end record and locator first when a value needs them.
[[nodiscard]] std::vector<std::byte> encode_end_records(std::uint64_t entries, std::uint64_t directory_offset,
                                                        std::uint64_t directory_size, std::uint64_t threshold);

// Bytes that go at `offset` once the members' CRCs are known.
struct TrailingPiece {
  std::uint64_t offset = 0;
  std::vector<std::byte> bytes;
};
using Trailer = std::function<std::vector<TrailingPiece>(const PlannedMembers&)>;

// Writes the planned members to `path` (created, or truncated when `truncate`; without it other
// writers may share the file, each writing its own range) and then the pieces `trailer` makes of
// them with their CRCs filled in. A piece that starts where the members end goes out in the same
// stream (the whole archive in one vectored write); the others are written at their offsets.
void write_members(const std::filesystem::path& path, PlannedMembers& planned, bool truncate, IoMode io,
                   const Trailer& trailer);

// InvalidData for a field name an archive cannot hold (see member_name.hpp); IoError from the file.
void write_npz(const std::filesystem::path& path, const SoA& soa, const WriteOptions& options = {});

}  // namespace soastore::npz
