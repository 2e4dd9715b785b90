#pragma once
// The central directory of a zip archive: where each member is, how it is compressed, its sizes
// and CRC. Found from the end records (ZIP64 aware), never by scanning local headers, and checked
// against the file size before anything is allocated.

#include <cstdint>
#include <string>
#include <vector>

#include "io/file.hpp"

namespace soastore::npz {

struct ZipMember {
  std::string field;  // the array's name: the member name without ".npy" (or without folder and ".npy", see
                      // npz/group_archive.hpp: how a rank names its own members of a group archive)
  std::string name;   // the member's name in the archive ("x.npy", "rank-000017/x.npy")
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;
  std::uint16_t name_length = 0;
};

struct ZipDirectory {
  std::vector<ZipMember> members;
  // Offset of the central directory: every member's bytes lie before it.
  std::uint64_t members_end = 0;
};

// CorruptFile naming the archive for anything the end records or the directory get wrong,
// including encrypted members, methods other than stored and deflate, members that are not
// NAME.npy, unsafe or duplicate names.
ZipDirectory read_zip_directory(io::File& file);

}  // namespace soastore::npz
