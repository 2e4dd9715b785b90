#pragma once
// Which array names an archive may hold. A member "NAME.npy" holds array NAME. Names that could
// leave the extraction directory when someone unzips the archive (a path separator, "." or "..")
// are refused by the writer and reported as corrupt by the reader. The one folder allowed is a
// rank's in a group archive (npz/group_archive.hpp): "rank-000017/NAME.npy", which unzips into a
// subdirectory and nowhere else.

#include <optional>
#include <string>
#include <string_view>

namespace soastore::npz {

inline constexpr std::string_view kNpySuffix = ".npy";

// Why `field` cannot name an archive member, or nothing when it can.
std::optional<std::string> unsafe_field_name(std::string_view field);

// The folder of world rank `rank`'s members in a group archive: "rank-000017/" (six digits at
// least, zero-padded, so that the members sort by rank in listings up to a million ranks).
std::string rank_folder(int rank);

// As unsafe_field_name, but `field` (a member name without ".npy", as read from an archive) may
// start with one rank folder.
std::optional<std::string> unsafe_member_field(std::string_view field);

}  // namespace soastore::npz
