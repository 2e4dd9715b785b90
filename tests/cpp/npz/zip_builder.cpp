#include "npz/zip_builder.hpp"

#include <zlib.h>

#include <cstring>

#include "io/checksum.hpp"
#include "npz/byte_codec.hpp"
#include "npz/npy_header.hpp"
#include "npz/zip_format.hpp"

namespace soastore::testing {
namespace {

using namespace npz::zip;

std::vector<std::byte> deflate_raw(const std::vector<std::byte>& input) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::vector<std::byte> output(deflateBound(&stream, input.size()));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(output.data());
  stream.avail_out = static_cast<uInt>(output.size());
  deflate(&stream, Z_FINISH);
  output.resize(stream.total_out);
  deflateEnd(&stream);
  return output;
}

}  // namespace

std::vector<std::byte> build_zip(const std::vector<BuiltMember>& members) {
  std::vector<std::byte> archive;
  std::vector<std::byte> directory;
  npz::ByteSink file(archive);
  npz::ByteSink central(directory);
  for (const BuiltMember& member : members) {
    const std::vector<std::byte> payload = member.deflate ? deflate_raw(member.content) : member.content;
    const std::uint32_t crc = member.crc.value_or(io::crc32_zip(member.content));
    const std::uint32_t size = member.uncompressed_size.value_or(static_cast<std::uint32_t>(member.content.size()));
    const std::uint32_t compressed = member.compressed_size.value_or(static_cast<std::uint32_t>(payload.size()));
    const auto offset = static_cast<std::uint32_t>(archive.size());
    const std::uint16_t method = member.deflate ? kMethodDeflated : kMethodStored;
    file.u32(kLocalHeaderSignature);
    file.u16(kVersionDefault);
    file.u16(0);
    file.u16(method);
    file.u16(0);
    file.u16(kDosDate1980);
    file.u32(crc);
    file.u32(compressed);
    file.u32(size);
    file.u16(static_cast<std::uint16_t>(member.name.size()));
    file.u16(0);
    file.text(member.name);
    archive.insert(archive.end(), payload.begin(), payload.end());
    central.u32(kCentralHeaderSignature);
    central.u16(kMadeByUnix);
    central.u16(kVersionDefault);
    central.u16(0);
    central.u16(method);
    central.u16(0);
    central.u16(kDosDate1980);
    central.u32(crc);
    central.u32(compressed);
    central.u32(size);
    central.u16(static_cast<std::uint16_t>(member.name.size()));
    central.u16(0);
    central.u16(0);
    central.u16(0);
    central.u16(0);
    central.u32(0);
    central.u32(offset);
    central.text(member.name);
  }
  const auto directory_offset = static_cast<std::uint32_t>(archive.size());
  archive.insert(archive.end(), directory.begin(), directory.end());
  file.u32(kEndSignature);
  file.u16(0);
  file.u16(0);
  file.u16(static_cast<std::uint16_t>(members.size()));
  file.u16(static_cast<std::uint16_t>(members.size()));
  file.u32(static_cast<std::uint32_t>(directory.size()));
  file.u32(directory_offset);
  file.u16(0);
  return archive;
}

std::vector<std::byte> npy_bytes(const Array& array) {
  const std::string header = npz::encode_npy_header(array.dtype(), array.shape());
  std::vector<std::byte> bytes(header.size() + array.nbytes());
  std::memcpy(bytes.data(), header.data(), header.size());
  if (array.nbytes() != 0) std::memcpy(bytes.data() + header.size(), array.data(), array.nbytes());
  return bytes;
}

std::string npy_v1_header(const std::string& dict) {
  std::string body = dict;
  body.append(63 - (10 + body.size()) % 64, ' ');
  body += '\n';
  std::string header = "\x93NUMPY\x01";
  header += '\0';
  header += static_cast<char>(body.size() & 0xff);
  header += static_cast<char>(body.size() >> 8);
  return header + body;
}

std::vector<std::byte> npy_with_dict(const std::string& dict, std::size_t data_bytes) {
  const std::string header = npy_v1_header(dict);
  std::vector<std::byte> bytes(header.size() + data_bytes, std::byte{0});
  std::memcpy(bytes.data(), header.data(), header.size());
  return bytes;
}

}  // namespace soastore::testing
