#include "npz/group_archive.hpp"

#include <algorithm>

#include "npz/member_name.hpp"

namespace soastore::npz {
namespace {

std::uint64_t round_up(std::uint64_t bytes) { return (bytes + kDataAlignment - 1) / kDataAlignment * kDataAlignment; }

}  // namespace

GroupShare::GroupShare(const SoA& soa, int rank, const WriteOptions& options)
    : options_(options), planned_(plan_members(soa, 0, rank_folder(rank), options, true)),
      folder_length_(rank_folder(rank).size()) {
  extent_.run_bytes = round_up(planned_.end);
  extent_.directory_bytes = encode_central_entries(planned_.members).size();  // the CRCs do not change it
  extent_.entries = planned_.members.size();
}

void GroupShare::place(const ShareExtent& before, const ShareExtent& total, bool writes_end) {
  move_members(planned_, before.run_bytes - planned_.begin);
  directory_offset_ = total.run_bytes + before.directory_bytes;
  total_ = total;
  writes_end_ = writes_end;
}

void GroupShare::write(const std::filesystem::path& path, IoMode io) {
  write_members(path, planned_, false, io, [&](const PlannedMembers& written) {
    std::vector<TrailingPiece> pieces;
    pieces.push_back({directory_offset_, encode_central_entries(written.members)});
    if (writes_end_) {
      pieces.push_back({total_.run_bytes + total_.directory_bytes,
                        encode_end_records(total_.entries, total_.run_bytes, total_.directory_bytes,
                                           options_.zip64_threshold)});
    }
    return pieces;
  });
}

ZipDirectory GroupShare::own_members() const {
  ZipDirectory own;
  own.members_end = total_.run_bytes;
  for (const PlannedMember& planned : planned_.members) {
    ZipMember& member = own.members.emplace_back();
    member.name = planned.name;
    member.field = planned.name.substr(folder_length_, planned.name.size() - folder_length_ - kNpySuffix.size());
    member.method = zip::kMethodStored;
    member.crc = planned.crc;
    member.compressed_size = planned.size;
    member.uncompressed_size = planned.size;
    member.local_header_offset = planned.offset;
    member.name_length = static_cast<std::uint16_t>(planned.name.size());
  }
  return own;
}

ZipDirectory read_own_members(io::File& file, int rank) {
  ZipDirectory directory = read_zip_directory(file);
  const std::string folder = rank_folder(rank);
  std::erase_if(directory.members, [&](const ZipMember& member) { return !member.field.starts_with(folder); });
  for (ZipMember& member : directory.members) member.field.erase(0, folder.size());
  return directory;
}

}  // namespace soastore::npz
