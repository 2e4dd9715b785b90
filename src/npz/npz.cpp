#include "soastore/npz.hpp"

#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "io/file.hpp"
#include "npz/archive_of.hpp"
#include "npz/member_reader.hpp"
#include "npz/zip_directory.hpp"
#include "npz/zip_writer.hpp"

namespace soastore::npz {
namespace {

[[noreturn]] void throw_missing_field(std::string_view name, const std::filesystem::path& path) {
  throw KeyNotFound("field '" + std::string(name) + "' not found in npz file '" + path.string() + "'");
}

}  // namespace

void save(const std::filesystem::path& path, const SoA& soa, const SaveOptions& options) {
  write_npz(path, soa, {.io = options.io});
}

struct Archive::State {
  std::filesystem::path path;
  // Guards `file` against close() while a read runs; reads themselves only share the
  // descriptor (pread takes its offset, so concurrent reads need no lock between them).
  mutable std::shared_mutex mutex;
  std::optional<io::File> file;
  ZipDirectory directory;
  std::vector<std::string> names;

  const ZipMember* find(std::string_view name) const noexcept {
    auto it = std::find_if(directory.members.begin(), directory.members.end(),
                           [&](const ZipMember& member) { return member.field == name; });
    return it == directory.members.end() ? nullptr : &*it;
  }
};

Archive::Archive(const std::filesystem::path& path) : state_(std::make_shared<State>()) {
  state_->path = path;
  state_->file.emplace(io::File::open_read(path));
  state_->directory = read_zip_directory(*state_->file);
  for (const ZipMember& member : state_->directory.members) state_->names.push_back(member.field);
}

const std::vector<std::string>& Archive::names() const noexcept { return state_->names; }
bool Archive::contains(std::string_view name) const noexcept { return state_->find(name) != nullptr; }
const std::filesystem::path& Archive::path() const noexcept { return state_->path; }

Array Archive::read(std::string_view name, const LoadOptions& options) const {
  const ZipMember* member = state_->find(name);
  if (member == nullptr) throw_missing_field(name, state_->path);
  const std::shared_lock lock(state_->mutex);
  if (!state_->file) throw Error("npz archive '" + state_->path.string() + "' is closed");
  return read_member(*state_->file, *member, state_->directory.members_end, options);
}

void Archive::close() noexcept {
  const std::unique_lock lock(state_->mutex);
  state_->file.reset();  // a failed close() of a read-only descriptor has nothing to report
}

bool Archive::is_open() const noexcept {
  const std::shared_lock lock(state_->mutex);
  return state_->file.has_value();
}

Archive archive_of(const std::filesystem::path& path, ZipDirectory members) {
  Archive archive;
  archive.state_ = std::make_shared<Archive::State>();
  archive.state_->path = path;
  archive.state_->file.emplace(io::File::open_read(path));
  archive.state_->directory = std::move(members);
  for (const ZipMember& member : archive.state_->directory.members) archive.state_->names.push_back(member.field);
  return archive;
}

SoA load(const std::filesystem::path& path, const std::optional<std::vector<std::string>>& fields,
         const LoadOptions& options) {
  return load_archive(Archive(path), fields, options);
}

SoA load_archive(const Archive& archive, const std::optional<std::vector<std::string>>& fields,
                 const LoadOptions& options) {
  const std::filesystem::path& path = archive.path();
  // Every field is looked up before any is read, so a missing one costs no data reads.
  if (fields) {
    for (const std::string& field : *fields) {
      if (!archive.contains(field)) throw_missing_field(field, path);
    }
  }
  const std::vector<std::string>& names = fields ? *fields : archive.names();
  // Auto decides once for the bytes this load reads from the file, not member by member.
  LoadOptions resolved = options;
  if (resolved.io == IoMode::Auto) {
    std::uint64_t bytes = 0;
    for (const std::string& name : names) bytes += archive.state_->find(name)->compressed_size;
    resolved.io = use_direct_io(IoMode::Auto, bytes) ? IoMode::Direct : IoMode::Buffered;
  }
  SoA soa;
  for (const std::string& name : names) soa.insert(name, archive.read(name, resolved));
  return soa;
}

}  // namespace soastore::npz
