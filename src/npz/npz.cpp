#include "soastore/npz.hpp"

#include <algorithm>

#include "io/file.hpp"
#include "npz/member_reader.hpp"
#include "npz/zip_directory.hpp"
#include "npz/zip_writer.hpp"

namespace soastore::npz {

void save(const std::filesystem::path& path, const SoA& soa) { write_npz(path, soa); }

SoA load(const std::filesystem::path& path, const std::optional<std::vector<std::string>>& fields,
         const LoadOptions& options) {
  io::File file = io::File::open_read(path);
  const ZipDirectory directory = read_zip_directory(file);
  std::vector<const ZipMember*> chosen;
  if (fields) {
    // Every field is looked up before any is read, so a missing one costs no data reads.
    for (const std::string& field : *fields) {
      auto it = std::find_if(directory.members.begin(), directory.members.end(),
                             [&](const ZipMember& member) { return member.field == field; });
      if (it == directory.members.end()) throw KeyNotFound("field '" + field + "' not found in npz file '" + path.string() + "'");
      chosen.push_back(&*it);
    }
  } else {
    for (const ZipMember& member : directory.members) chosen.push_back(&member);
  }
  SoA soa;
  for (const ZipMember* member : chosen) {
    soa.insert(member->field, read_member(file, *member, directory.members_end, options.map));
  }
  return soa;
}

}  // namespace soastore::npz
