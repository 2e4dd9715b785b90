#pragma once
// Which array names an archive may hold. A member "NAME.npy" holds array NAME. Names that could
// leave the extraction directory when someone unzips the archive (a path separator, "." or "..")
// are refused by the writer and reported as corrupt by the reader.

#include <optional>
#include <string>
#include <string_view>

namespace soastore::npz {

inline constexpr std::string_view kNpySuffix = ".npy";

// Why `field` cannot name an archive member, or nothing when it can.
std::optional<std::string> unsafe_field_name(std::string_view field);

}  // namespace soastore::npz
