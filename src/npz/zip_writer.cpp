#include "npz/zip_writer.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "io/checksum.hpp"
#include "io/file.hpp"
#include "npz/byte_codec.hpp"
#include "npz/member_name.hpp"
#include "npz/npy_header.hpp"

namespace soastore::npz {
namespace {

using namespace zip;

// Where one member goes. Its local header and npy header are bytes [begin, end) of the staging
// buffer; its array data follow them in the file, written from the array itself.
struct PlannedMember {
  std::string name;
  const Array* array;
  std::uint32_t crc;
  std::uint64_t size;    // npy header + data; stored, so compressed and uncompressed alike
  std::uint64_t offset;  // of the local header
  bool zip64_sizes;
  bool zip64_offset;
  std::size_t begin;
  std::size_t end;
};

std::uint16_t name_flags(const std::string& name) {
  const bool ascii = std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  return ascii ? 0 : kFlagUtf8Name;
}

std::uint32_t field32(std::uint64_t value, bool in_zip64) {
  return in_zip64 ? kZip64Marker32 : static_cast<std::uint32_t>(value);
}

std::string member_name(const std::string& field) {
  if (auto why = unsafe_field_name(field)) throw InvalidData("npz: cannot store array '" + field + "': " + *why);
  return field + std::string(kNpySuffix);
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

void append_end_records(std::vector<std::byte>& staging, std::uint64_t entries, std::uint64_t directory_offset,
                        std::uint64_t directory_size, std::uint64_t threshold) {
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
}

}  // namespace

void write_npz(const std::filesystem::path& path, const SoA& soa, const WriteOptions& options) {
  // All headers go into one buffer first; then the file is written by one vectored write of
  // [local+npy header, array data]... + [central directory, end records]: no data copied.
  std::vector<std::byte> staging;
  std::vector<PlannedMember> members;
  members.reserve(soa.size());
  std::uint64_t offset = 0;
  for (const auto& [field, array] : soa) {
    const std::string npy = encode_npy_header(array.dtype(), array.shape());
    const auto* npy_bytes = reinterpret_cast<const std::byte*>(npy.data());
    PlannedMember& member = members.emplace_back();
    member.name = member_name(field);
    member.array = &array;
    member.crc = io::crc32_zip(array.bytes(), io::crc32_zip({npy_bytes, npy.size()}));
    member.size = npy.size() + array.nbytes();
    member.offset = offset;
    member.zip64_sizes = member.size >= options.zip64_threshold;
    member.zip64_offset = offset >= options.zip64_threshold;
    offset = append_local_section(staging, member, npy) + array.nbytes();
  }
  const std::size_t directory_begin = staging.size();
  for (const PlannedMember& member : members) append_central_header(staging, member);
  append_end_records(staging, members.size(), offset, staging.size() - directory_begin, options.zip64_threshold);

  std::vector<iovec> buffers;
  buffers.reserve(2 * members.size() + 1);
  for (const PlannedMember& member : members) {
    buffers.push_back({staging.data() + member.begin, member.end - member.begin});
    buffers.push_back({const_cast<void*>(member.array->data()), member.array->nbytes()});
  }
  buffers.push_back({staging.data() + directory_begin, staging.size() - directory_begin});
  io::File file = io::File::create(path);
  file.write_vectored_at(buffers, 0);
  file.close();
}

}  // namespace soastore::npz
