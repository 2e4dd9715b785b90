#pragma once
// Record signatures, sizes and limits of the zip format (PKWARE APPNOTE 6.3), shared by the
// writer and the reader.

#include <cstddef>
#include <cstdint>

namespace soastore::npz::zip {

inline constexpr std::uint32_t kLocalHeaderSignature = 0x04034b50;
inline constexpr std::uint32_t kCentralHeaderSignature = 0x02014b50;
inline constexpr std::uint32_t kEndSignature = 0x06054b50;
inline constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
inline constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;

inline constexpr std::size_t kLocalHeaderSize = 30;    // without name and extra field
inline constexpr std::size_t kCentralHeaderSize = 46;  // without name, extra field and comment
inline constexpr std::size_t kEndSize = 22;            // without the archive comment
inline constexpr std::size_t kZip64EndSize = 56;       // without extensible data
inline constexpr std::size_t kZip64LocatorSize = 20;
inline constexpr std::size_t kMaxCommentLength = 0xffff;

inline constexpr std::uint16_t kZip64ExtraId = 0x0001;
// Android's zipalign pads with this extra field (2-byte alignment, then zeros); tools skip it.
inline constexpr std::uint16_t kAlignmentExtraId = 0xd935;
inline constexpr std::size_t kAlignmentExtraMinSize = 6;

// A 32-bit size or offset field holding this defers to the ZIP64 extra field; 16-bit counts too.
inline constexpr std::uint32_t kZip64Marker32 = 0xffffffff;
inline constexpr std::uint16_t kZip64Marker16 = 0xffff;

inline constexpr std::uint16_t kMethodStored = 0;
inline constexpr std::uint16_t kMethodDeflated = 8;
inline constexpr std::uint16_t kFlagEncrypted = 0x0001;
inline constexpr std::uint16_t kFlagUtf8Name = 0x0800;

// "Version needed to extract": 2.0 for stored/deflated members, 4.5 for ZIP64 ones.
inline constexpr std::uint16_t kVersionDefault = 20;
inline constexpr std::uint16_t kVersionZip64 = 45;
// "Version made by": Unix (3) in the high byte, so unzip honours the permission bits.
inline constexpr std::uint16_t kMadeByUnix = (3 << 8) | kVersionZip64;
inline constexpr std::uint32_t kRegularFileMode = 0100644;
// DOS date of 1980-01-01 00:00, the date numpy.savez gives its members too.
inline constexpr std::uint16_t kDosDate1980 = (1 << 5) | 1;

}  // namespace soastore::npz::zip
