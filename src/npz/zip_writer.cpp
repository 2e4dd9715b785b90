#include "npz/zip_writer.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "io/checksum.hpp"
#include "io/chunked_io.hpp"
#include "io/direct_writer.hpp"
#include "io/file.hpp"
#include "npz/byte_codec.hpp"
#include "npz/member_name.hpp"
#include "npz/npy_header.hpp"

namespace soastore::npz {
namespace {

using namespace zip;

// Where a local header keeps its CRC-32: after signature, versions, flags, method, time and date.
constexpr std::size_t kLocalCrcOffset = 14;

// Fills in the CRC-32 of the local header that starts at `local_header`.
void store_local_crc(std::byte* local_header, std::uint32_t crc) {
  for (std::size_t i = 0; i < 4; ++i) local_header[kLocalCrcOffset + i] = static_cast<std::byte>((crc >> (8 * i)) & 0xff);
}

std::uint16_t name_flags(const std::string& name) {
  const bool ascii = std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  return ascii ? 0 : kFlagUtf8Name;
}

std::uint32_t field32(std::uint64_t value, bool in_zip64) {
  return in_zip64 ? kZip64Marker32 : static_cast<std::uint32_t>(value);
}

std::string member_name(std::string_view folder, const std::string& field) {
  if (auto why = unsafe_field_name(field)) throw InvalidData("npz: cannot store array '" + field + "': " + *why);
  std::string name = std::string(folder) + field + std::string(kNpySuffix);
  // The member name length is a 16-bit field (a group archive's folder adds to the field's name).
  if (name.size() > 0xffff) throw InvalidData("npz: cannot store array '" + field + "': its member name is too long");
  return name;
}

// Bytes of the alignment extra field that make `unpadded` (the data offset without it) a
// multiple of kDataAlignment: none, or at least the field's own minimum size.
std::size_t alignment_padding(std::uint64_t unpadded) {
  std::size_t padding = static_cast<std::size_t>((kDataAlignment - unpadded % kDataAlignment) % kDataAlignment);
  if (padding != 0 && padding < kAlignmentExtraMinSize) padding += kDataAlignment;
  return padding;
}

// Appends the local header and npy header of `member` to `staging`; returns the data offset.
std::uint64_t append_local_section(std::vector<std::byte>& staging, PlannedMember& member, const std::string& npy) {
  const std::size_t zip64_extra = member.zip64_sizes ? 20 : 0;
  const std::uint64_t unpadded = member.offset + kLocalHeaderSize + member.name.size() + zip64_extra + npy.size();
  const std::size_t padding = alignment_padding(unpadded);
  member.begin = staging.size();
  ByteSink sink(staging);
  sink.u32(kLocalHeaderSignature);
  sink.u16(member.zip64_sizes ? kVersionZip64 : kVersionDefault);
  sink.u16(name_flags(member.name));
  sink.u16(kMethodStored);
  sink.u16(0);  // time 00:00
  sink.u16(kDosDate1980);
  sink.u32(member.crc);
  sink.u32(field32(member.size, member.zip64_sizes));
  sink.u32(field32(member.size, member.zip64_sizes));
  sink.u16(static_cast<std::uint16_t>(member.name.size()));
  sink.u16(static_cast<std::uint16_t>(zip64_extra + padding));
  sink.text(member.name);
  if (member.zip64_sizes) {
    sink.u16(kZip64ExtraId);
    sink.u16(16);
    sink.u64(member.size);  // uncompressed
    sink.u64(member.size);  // compressed
  }
  if (padding != 0) {
    sink.u16(kAlignmentExtraId);
    sink.u16(static_cast<std::uint16_t>(padding - 4));
    sink.u16(static_cast<std::uint16_t>(kDataAlignment));
    sink.zeros(padding - kAlignmentExtraMinSize);
  }
  sink.text(npy);
  member.end = staging.size();
  return unpadded + padding;
}

void append_central_header(std::vector<std::byte>& staging, const PlannedMember& member) {
  const std::size_t zip64_extra = (member.zip64_sizes ? 16 : 0) + (member.zip64_offset ? 8 : 0);
  const bool zip64 = zip64_extra != 0;
  ByteSink sink(staging);
  sink.u32(kCentralHeaderSignature);
  sink.u16(kMadeByUnix);
  sink.u16(zip64 ? kVersionZip64 : kVersionDefault);
  sink.u16(name_flags(member.name));
  sink.u16(kMethodStored);
  sink.u16(0);
  sink.u16(kDosDate1980);
  sink.u32(member.crc);
  sink.u32(field32(member.size, member.zip64_sizes));
  sink.u32(field32(member.size, member.zip64_sizes));
  sink.u16(static_cast<std::uint16_t>(member.name.size()));
  sink.u16(static_cast<std::uint16_t>(zip64 ? 4 + zip64_extra : 0));
  sink.u16(0);  // comment
  sink.u16(0);  // disk
  sink.u16(0);  // internal attributes
  sink.u32(kRegularFileMode << 16);
  sink.u32(field32(member.offset, member.zip64_offset));
  sink.text(member.name);
  if (zip64) {
    // Only the fields whose 32-bit slot holds the marker, in this order (APPNOTE 4.5.3).
    sink.u16(kZip64ExtraId);
    sink.u16(static_cast<std::uint16_t>(zip64_extra));
    if (member.zip64_sizes) {
      sink.u64(member.size);
      sink.u64(member.size);
    }
    if (member.zip64_offset) sink.u64(member.offset);
  }
}

}  // namespace

std::vector<std::byte> encode_end_records(std::uint64_t entries, std::uint64_t directory_offset,
                                          std::uint64_t directory_size, std::uint64_t threshold) {
  std::vector<std::byte> staging;
  const bool zip64 = entries >= std::min<std::uint64_t>(threshold, kZip64Marker16) || directory_offset >= threshold ||
                     directory_size >= threshold;
  ByteSink sink(staging);
  if (zip64) {
    const std::uint64_t record_offset = directory_offset + directory_size;
    sink.u32(kZip64EndSignature);
    sink.u64(kZip64EndSize - 12);  // size of the rest of the record
    sink.u16(kMadeByUnix);
    sink.u16(kVersionZip64);
    sink.u32(0);  // this disk
    sink.u32(0);  // disk of the central directory
    sink.u64(entries);
    sink.u64(entries);
    sink.u64(directory_size);
    sink.u64(directory_offset);
    sink.u32(kZip64LocatorSignature);
    sink.u32(0);
    sink.u64(record_offset);
    sink.u32(1);  // disks in total
  }
  const auto count16 = static_cast<std::uint16_t>(zip64 ? kZip64Marker16 : entries);
  sink.u32(kEndSignature);
  sink.u16(0);
  sink.u16(0);
  sink.u16(count16);
  sink.u16(count16);
  sink.u32(field32(directory_size, zip64));
  sink.u32(field32(directory_offset, zip64));
  sink.u16(0);  // comment
  return staging;
}

std::vector<std::byte> encode_central_entries(const std::vector<PlannedMember>& members) {
  std::vector<std::byte> directory;
  for (const PlannedMember& member : members) append_central_header(directory, member);
  return directory;
}

PlannedMembers plan_members(const SoA& soa, std::uint64_t begin, std::string_view folder, const WriteOptions& options,
                            bool zip64_offsets) {
  PlannedMembers planned;
  planned.begin = begin;
  planned.members.reserve(soa.size());
  std::uint64_t offset = begin;
  for (const auto& [field, array] : soa) {
    const std::string npy = encode_npy_header(array.dtype(), array.shape());
    PlannedMember& member = planned.members.emplace_back();
    member.name = member_name(folder, field);
    member.array = &array;
    member.crc = 0;
    member.size = npy.size() + array.nbytes();
    member.offset = offset;
    member.zip64_sizes = member.size >= options.zip64_threshold;
    member.zip64_offset = zip64_offsets || offset >= options.zip64_threshold;
    offset = append_local_section(planned.locals, member, npy) + array.nbytes();
  }
  planned.end = offset;
  return planned;
}

void move_members(PlannedMembers& planned, std::uint64_t distance) {
  planned.begin += distance;
  planned.end += distance;
  for (PlannedMember& member : planned.members) member.offset += distance;
}

namespace {

// Whether the first trailing piece starts where the members end, and so goes out in their stream.
bool first_piece_follows(const std::vector<TrailingPiece>& pieces, const PlannedMembers& planned) {
  return !pieces.empty() && pieces.front().offset == planned.end;
}

// The direct path: the members stream through the aligned staging buffers from planned.begin,
// every array's CRC computed on its copy into them. A member's local header is staged before its
// CRC is known; the CRC goes into the staging buffer when the header is still there, else (a
// member larger than what the buffer still held) it is written with a 4-byte pwrite once the
// direct writes are done, so no buffered write ever races a direct one on the same block. The
// trailing pieces that do not follow the members go out through that buffered descriptor too.
void write_members_direct(const std::filesystem::path& path, PlannedMembers& planned, bool truncate,
                          const Trailer& trailer) {
  std::vector<std::byte>& locals = planned.locals;
  io::File file = io::File::open_or_create_direct(path);
  if (truncate) file.truncate(0);
  std::vector<std::uint64_t> late_crcs;  // members whose CRC must be written after the stream
  std::vector<TrailingPiece> pieces;
  {
    io::DirectWriter writer(file, planned.begin, planned.end - planned.begin);
    for (std::size_t m = 0; m < planned.members.size(); ++m) {
      PlannedMember& member = planned.members[m];
      const std::span<const std::byte> section(locals.data() + member.begin, member.end - member.begin);
      const std::size_t npy_size = static_cast<std::size_t>(member.size - member.array->nbytes());
      std::uint32_t crc = io::crc32_zip(section.last(npy_size));
      writer.append(section);
      writer.append_crc32(member.array->bytes(), crc);
      store_local_crc(&locals[member.begin], crc);
      if (!writer.patch(member.offset + kLocalCrcOffset, std::span(locals).subspan(member.begin + kLocalCrcOffset, 4))) {
        late_crcs.push_back(m);
      }
      member.crc = crc;
    }
    pieces = trailer(planned);
    // The writer holds the span until it is flushed.
    if (first_piece_follows(pieces, planned)) writer.append(pieces.front().bytes);
    writer.finish();
  }
  file.close();
  const bool streamed = first_piece_follows(pieces, planned);
  if (late_crcs.empty() && pieces.size() == (streamed ? 1u : 0u)) return;
  io::File buffered = io::File::open_or_create(path);
  for (const std::uint64_t m : late_crcs) {
    const PlannedMember& member = planned.members[m];
    buffered.write_at(std::span(locals).subspan(member.begin + kLocalCrcOffset, 4), member.offset + kLocalCrcOffset);
  }
  for (std::size_t p = streamed ? 1 : 0; p < pieces.size(); ++p) buffered.write_at(pieces[p].bytes, pieces[p].offset);
  buffered.close();
}

}  // namespace

void write_members(const std::filesystem::path& path, PlannedMembers& planned, bool truncate, IoMode io,
                   const Trailer& trailer) {
  // Every offset and size is known before any CRC, so all headers are laid out first, with the
  // CRCs still zero. Then the members stream out in file order: each array is checksummed a chunk
  // at a time right before that chunk is written (io/chunked_io.hpp), and the data are never
  // copied. A small member is checksummed whole before its local header is queued, so the header
  // goes out complete; a large one's header has reached the file before its CRC is known, and
  // its CRC is written into it afterwards with one 4-byte pwrite.
  if (use_direct_io(io, planned.end - planned.begin)) {
    write_members_direct(path, planned, truncate, trailer);
    return;
  }
  std::vector<std::byte>& locals = planned.locals;
  io::File file = truncate ? io::File::create(path) : io::File::open_or_create(path);
  io::GatheringWriter writer(file, planned.begin);
  for (PlannedMember& member : planned.members) {
    const std::span<const std::byte> section(locals.data() + member.begin, member.end - member.begin);
    const std::size_t npy_size = static_cast<std::size_t>(member.size - member.array->nbytes());
    std::uint32_t crc = io::crc32_zip(section.last(npy_size));
    const auto checksum = [&](std::span<const std::byte> chunk) { crc = io::crc32_zip(chunk, crc); };
    if (member.size <= io::kChunkBytes) {
      checksum(member.array->bytes());
      store_local_crc(&locals[member.begin], crc);
      writer.append(section);
      writer.append(member.array->bytes());
    } else {
      writer.append(section);
      writer.append_chunks(member.array->bytes(), checksum);
      store_local_crc(&locals[member.begin], crc);
      if (writer.has_written(member.offset)) {
        file.write_at(std::span(locals).subspan(member.begin + kLocalCrcOffset, 4), member.offset + kLocalCrcOffset);
      }
    }
    member.crc = crc;
  }
  const std::vector<TrailingPiece> pieces = trailer(planned);
  const bool streamed = first_piece_follows(pieces, planned);
  if (streamed) writer.append(pieces.front().bytes);  // the writer holds the span until it is flushed
  writer.flush();
  for (std::size_t p = streamed ? 1 : 0; p < pieces.size(); ++p) file.write_at(pieces[p].bytes, pieces[p].offset);
  file.close();
}

void write_npz(const std::filesystem::path& path, const SoA& soa, const WriteOptions& options) {
  PlannedMembers planned = plan_members(soa, 0, {}, options);
  // The central directory and end records: the archive's last bytes, right after the members.
  write_members(path, planned, true, options.io, [&](const PlannedMembers& written) {
    std::vector<std::byte> directory = encode_central_entries(written.members);
    const std::vector<std::byte> end =
        encode_end_records(written.members.size(), written.end, directory.size(), options.zip64_threshold);
    directory.insert(directory.end(), end.begin(), end.end());
    return std::vector<TrailingPiece>{{written.end, std::move(directory)}};
  });
}

}  // namespace soastore::npz
