#pragma once
// Archives whose members the caller already knows: a rank of a group archive reads its own
// members from the layout it wrote (npz/group_archive.hpp), without the central directory, which
// holds every rank's entries.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "npz/zip_directory.hpp"
#include "soastore/npz.hpp"

namespace soastore::npz {

// Opens `path` (IoError when it cannot) and serves `members` from it, by their `field` names:
// each read checks the member's local header and CRC as any read does. No directory read.
[[nodiscard]] Archive archive_of(const std::filesystem::path& path, ZipDirectory members);

// load() of an open archive: only `fields` (in that order) when given.
[[nodiscard]] SoA load_archive(const Archive& archive, const std::optional<std::vector<std::string>>& fields,
                               const LoadOptions& options);

}  // namespace soastore::npz
