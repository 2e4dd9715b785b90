#include "stores/file_grouping.hpp"

namespace soastore::stores {

mpi::FileGroup make_file_group(const Partition& partition, FileGroups groups, FileGroups::Kind store_default) {
  if (groups.kind == FileGroups::Kind::StoreDefault) groups = FileGroups::of(store_default);
  switch (groups.kind) {
    case FileGroups::Kind::Node: return {partition.comm(), mpi::GroupBy::Node};
    case FileGroups::Kind::Rank: return {partition.comm(), mpi::GroupBy::Consecutive, 1};
    case FileGroups::Kind::Consecutive: return {partition.comm(), mpi::GroupBy::Consecutive, groups.ranks};
    case FileGroups::Kind::All:
    case FileGroups::Kind::StoreDefault: break;
  }
  return {partition.comm(), mpi::GroupBy::All};
}

}  // namespace soastore::stores
