#include "stores/file_grouping.hpp"

#include <stdexcept>

namespace soastore::stores {

FileGroups resolve_file_groups(FileGroups groups, FileGroups::Kind store_default) {
  return groups.kind == FileGroups::Kind::StoreDefault ? FileGroups::of(store_default) : groups;
}

mpi::FileGroup make_file_group(const Partition& partition, FileGroups groups) {
  switch (groups.kind) {
    case FileGroups::Kind::All: return {partition.comm(), mpi::GroupBy::All};
    case FileGroups::Kind::Node: return {partition.comm(), mpi::GroupBy::Node};
    case FileGroups::Kind::Rank: return {partition.comm(), mpi::GroupBy::Consecutive, 1};
    case FileGroups::Kind::Consecutive: return {partition.comm(), mpi::GroupBy::Consecutive, groups.ranks};
    case FileGroups::Kind::StoreDefault: break;
  }
  throw std::logic_error("make_file_group: file_groups not resolved to the store's default");
}

}  // namespace soastore::stores
