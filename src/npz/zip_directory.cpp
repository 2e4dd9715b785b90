#include "npz/zip_directory.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "npz/byte_codec.hpp"
#include "npz/corrupt.hpp"
#include "npz/member_name.hpp"
#include "npz/zip_format.hpp"

namespace soastore::npz {
namespace {

using namespace zip;

std::vector<std::byte> read_exactly(io::File& file, std::uint64_t offset, std::size_t count, const char* what) {
  std::vector<std::byte> bytes(count);
  if (file.read_at(bytes, offset) != count) throw_corrupt(file.path(), std::string(what) + " is truncated");
  return bytes;
}

struct DirectoryLocation {
  std::uint64_t entries = 0;
  std::uint64_t size = 0;
  std::uint64_t offset = 0;
  std::uint64_t limit = 0;  // the directory must end here (start of the end records)
};

[[noreturn]] void multi_disk(const std::string& path) { throw_corrupt(path, "multi-disk archives are not supported"); }

// Reads the ZIP64 end record that the locator (at `locator_offset`, just before the end record)
// points to; it must lie wholly before the locator.
void read_zip64_end(io::File& file, std::span<const std::byte> locator_bytes, std::uint64_t locator_offset,
                    DirectoryLocation& location) {
  const std::string& path = file.path();
  ByteSource locator(locator_bytes, path, "ZIP64 end locator");
  locator.skip(4);
  const std::uint32_t record_disk = locator.u32();
  const std::uint64_t record_offset = locator.u64();
  const std::uint32_t disks = locator.u32();
  if (record_disk != 0 || disks > 1) multi_disk(path);
  if (record_offset > locator_offset || locator_offset - record_offset < kZip64EndSize) {
    throw_corrupt(path, "ZIP64 end record offset " + std::to_string(record_offset) + " lies outside the archive");
  }
  const std::vector<std::byte> bytes = read_exactly(file, record_offset, kZip64EndSize, "ZIP64 end record");
  ByteSource record(bytes, path, "ZIP64 end record");
  if (record.u32() != kZip64EndSignature) throw_corrupt(path, "bad ZIP64 end record signature");
  record.skip(8 + 2 + 2);  // record size, versions
  const std::uint32_t disk = record.u32();
  const std::uint32_t directory_disk = record.u32();
  const std::uint64_t entries_here = record.u64();
  location.entries = record.u64();
  location.size = record.u64();
  location.offset = record.u64();
  location.limit = record_offset;
  if (disk != 0 || directory_disk != 0 || entries_here != location.entries) multi_disk(path);
}

// The last bytes of the archive: the end records and, for most archives, the whole directory.
struct Tail {
  std::vector<std::byte> bytes;
  std::uint64_t offset = 0;
};

// Where in `tail` the last end record starts whose comment runs exactly to the end of the file;
// nullopt if there is none.
std::optional<std::size_t> find_end_record(std::span<const std::byte> tail) {
  if (tail.size() < kEndSize) return std::nullopt;
  for (std::size_t end = tail.size() - kEndSize + 1; end-- > 0;) {
    if (load_le(&tail[end], 4) == kEndSignature && end + kEndSize + load_le(&tail[end + 20], 2) == tail.size()) return end;
  }
  return std::nullopt;
}

// Reads the end of central directory record, and the ZIP64 one when its locator precedes it.
// The first read is 4 KiB: an archive without a comment (ours, numpy's) has its end records and
// usually its whole directory there. Only when that does not hold the end record and the ZIP64
// locator before it is the largest tail a comment allows read.
DirectoryLocation locate_directory(io::File& file, std::uint64_t file_size, Tail& tail_read) {
  constexpr std::uint64_t kShortTail = 4096;
  constexpr std::uint64_t kLongestTail = kEndSize + kMaxCommentLength + kZip64LocatorSize;
  const std::string& path = file.path();
  if (file_size < kEndSize) throw_corrupt(path, "too short for a zip archive");
  std::optional<std::size_t> found;
  for (const std::uint64_t wanted : {kShortTail, kLongestTail}) {
    const auto tail_size = static_cast<std::size_t>(std::min<std::uint64_t>(file_size, wanted));
    tail_read.offset = file_size - tail_size;
    tail_read.bytes = read_exactly(file, tail_read.offset, tail_size, "end of central directory");
    found = find_end_record(tail_read.bytes);
    const bool whole_file = tail_read.offset == 0;
    if (whole_file || wanted == kLongestTail || (found && *found >= kZip64LocatorSize)) break;
  }
  if (!found) throw_corrupt(path, "no end of central directory record (not a zip archive, or truncated)");
  const std::size_t end = *found;
  const std::span<const std::byte> tail(tail_read.bytes);
  const std::uint64_t tail_offset = tail_read.offset;
  ByteSource record(tail.subspan(end + 4), path, "end of central directory");
  const std::uint16_t disk = record.u16();
  const std::uint16_t directory_disk = record.u16();
  const std::uint16_t entries_here = record.u16();
  DirectoryLocation location;
  location.entries = record.u16();
  location.size = record.u32();
  location.offset = record.u32();
  location.limit = tail_offset + end;
  if (end >= kZip64LocatorSize && load_le(&tail[end - kZip64LocatorSize], 4) == kZip64LocatorSignature) {
    read_zip64_end(file, tail.subspan(end - kZip64LocatorSize, kZip64LocatorSize),
                   location.limit - kZip64LocatorSize, location);
  } else if (disk != 0 || directory_disk != 0 || entries_here != location.entries) {
    multi_disk(path);
  }
  return location;
}

// Replaces the 32-bit fields that hold the ZIP64 marker by the values of the ZIP64 extra field.
void apply_zip64_extra(std::span<const std::byte> extra, const std::string& path, ZipMember& member,
                       bool size_marked, bool compressed_marked, bool offset_marked) {
  if (!size_marked && !compressed_marked && !offset_marked) return;
  ByteSource fields(extra, path, "extra field of member '" + member.field + "'");
  while (fields.remaining() >= 4) {
    const std::uint16_t id = fields.u16();
    const std::uint16_t size = fields.u16();
    ByteSource field(fields.take(size), path, "ZIP64 extra field of member '" + member.field + "'");
    if (id != kZip64ExtraId) continue;
    if (size_marked) member.uncompressed_size = field.u64();
    if (compressed_marked) member.compressed_size = field.u64();
    if (offset_marked) member.local_header_offset = field.u64();
    return;
  }
  throw_corrupt(path, "member '" + member.field + "' is marked ZIP64 but has no ZIP64 extra field");
}

ZipMember parse_central_header(ByteSource& directory, const std::string& path) {
  if (directory.u32() != kCentralHeaderSignature) throw_corrupt(path, "bad central directory header signature");
  directory.skip(4);  // versions
  const std::uint16_t flags = directory.u16();
  ZipMember member;
  member.method = directory.u16();
  directory.skip(4);  // time, date
  member.crc = directory.u32();
  const std::uint32_t compressed32 = directory.u32();
  const std::uint32_t size32 = directory.u32();
  member.name_length = directory.u16();
  const std::uint16_t extra_length = directory.u16();
  const std::uint16_t comment_length = directory.u16();
  directory.skip(2 + 2 + 4);  // disk, attributes
  const std::uint32_t offset32 = directory.u32();
  member.name = as_text(directory.take(member.name_length));
  const std::string& name = member.name;
  const std::span<const std::byte> extra = directory.take(extra_length);
  directory.skip(comment_length);

  if (name.size() < kNpySuffix.size() || !name.ends_with(kNpySuffix)) {
    throw_corrupt(path, "member '" + name + "' is not a .npy array");
  }
  member.field = name.substr(0, name.size() - kNpySuffix.size());
  if (auto why = unsafe_member_field(member.field)) throw_corrupt(path, "member '" + name + "' has " + *why);
  if ((flags & kFlagEncrypted) != 0) throw_corrupt(path, "member '" + name + "' is encrypted");
  if (member.method != kMethodStored && member.method != kMethodDeflated) {
    throw_corrupt(path, "member '" + name + "' uses compression method " + std::to_string(member.method) +
                            " (only stored and deflate are supported)");
  }
  member.compressed_size = compressed32;
  member.uncompressed_size = size32;
  member.local_header_offset = offset32;
  apply_zip64_extra(extra, path, member, size32 == kZip64Marker32, compressed32 == kZip64Marker32,
                    offset32 == kZip64Marker32);
  return member;
}

}  // namespace

ZipDirectory read_zip_directory(io::File& file) {
  const std::string& path = file.path();
  const std::uint64_t file_size = file.size();
  Tail tail;
  const DirectoryLocation location = locate_directory(file, file_size, tail);
  if (location.offset > location.limit || location.size > location.limit - location.offset) {
    throw_corrupt(path, "central directory (offset " + std::to_string(location.offset) + ", " +
                            std::to_string(location.size) + " bytes) lies outside the archive");
  }
  // Each entry takes at least the fixed header: a count beyond that is a lie, caught before reserving.
  if (location.entries > location.size / kCentralHeaderSize) {
    throw_corrupt(path, std::to_string(location.entries) + " entries cannot fit a central directory of " +
                            std::to_string(location.size) + " bytes");
  }
  std::vector<std::byte> bytes;
  std::span<const std::byte> directory_bytes;
  if (location.offset >= tail.offset) {  // already read with the end records
    directory_bytes = std::span(tail.bytes).subspan(static_cast<std::size_t>(location.offset - tail.offset),
                                                    static_cast<std::size_t>(location.size));
  } else {
    bytes = read_exactly(file, location.offset, static_cast<std::size_t>(location.size), "central directory");
    directory_bytes = bytes;
  }
  ByteSource directory(directory_bytes, path, "central directory");
  ZipDirectory result;
  result.members_end = location.offset;
  result.members.reserve(static_cast<std::size_t>(location.entries));
  std::set<std::string, std::less<>> seen;
  for (std::uint64_t i = 0; i < location.entries; ++i) {
    ZipMember member = parse_central_header(directory, path);
    if (member.local_header_offset > location.offset) {
      throw_corrupt(path, "member '" + member.field + "' starts past the central directory");
    }
    if (!seen.insert(member.field).second) throw_corrupt(path, "member '" + member.field + ".npy' appears twice");
    result.members.push_back(std::move(member));
  }
  if (directory.remaining() != 0) throw_corrupt(path, "central directory holds more than its entry count");
  return result;
}

}  // namespace soastore::npz
