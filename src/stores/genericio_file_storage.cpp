#include "stores/genericio_file_storage.hpp"

#include "io/file.hpp"
#include "mpi/collective.hpp"
#include "mpi/genericio_read.hpp"
#include "mpi/genericio_write.hpp"
#include "soastore/genericio_mpi.hpp"
#include "soastore/warnings.hpp"
#include "stores/file_names.hpp"

namespace soastore::stores {
GenericIOFileStorage::GenericIOFileStorage(Partition partition, double box_size, std::filesystem::path prefix,
                                           IoMode io, mpi::FileGroup group)
    : partition_(std::move(partition)),
      box_size_(box_size),
      prefix_(std::move(prefix)),
      io_(io),
      group_(std::move(group)),
      // The rank map's rows, on rank 0 only: the other ranks send their group's number once,
      // here, and hold nothing of the others.
      rank_map_(group_.whole() ? std::nullopt : genericio::gather_rank_map(partition_.comm(), group_.index())) {}

std::filesystem::path GenericIOFileStorage::file_of(const std::string& key) const {
  return genericio_file_name(prefix_, key);
}

std::filesystem::path GenericIOFileStorage::own_file_of(const std::string& key) const {
  return split() ? genericio_subfile_name(prefix_, key, group_.index()) : file_of(key);
}

genericio::WriteOptions GenericIOFileStorage::write_options() const {
  genericio::WriteOptions options;
  options.phys_scale = {box_size_, box_size_, box_size_};
  options.one_dimensional = true;  // checked on every rank before any file is touched
  options.io = io_;
  return options;
}

void GenericIOFileStorage::write_rank_map(const std::string& key) const {
  if (rank_map_) genericio::write_rank_map(file_of(key), *rank_map_);
}

void GenericIOFileStorage::restore_after_failed_write(const std::string& key, const WriteProgress& progress,
                                                      bool new_key) const noexcept {
  const std::filesystem::path file = own_file_of(key);
  // Before the plan succeeded nothing was written (and the old file, unless set aside, is intact).
  if (progress.planned && map_root() && new_key) remove_quietly(file_of(key));
  if (!file_root()) return;
  if (const auto failure = put_back_after_failed_write(file, progress.planned, progress.set_aside)) {
    warn("the value of key '" + key + "' could not be put back after a failed set: " + *failure);
  }
}

void GenericIOFileStorage::write(const std::string& key, const SoA& soa) {
  const MPI_Comm comm = partition_.comm();
  const std::filesystem::path file = own_file_of(key);
  const bool new_key = !accounting_.holds(key);
  WriteProgress progress;
  const auto set_old_file_aside = [&] {
    // A key this storage holds may have lost its file (removed behind the store's back): then
    // there is nothing to keep, and the set goes on.
    if (!new_key && file_root()) progress.set_aside = set_aside(file);
  };
  try {
    std::unique_ptr<const genericio::PlannedWrite> plan;
    accounting_.transfers().count_write(soa.nbytes(), [&] {
      plan = genericio::plan_write(comm, group_.comm(), file, soa, write_options(), set_old_file_aside);
      progress.planned = true;
      mpi::run_collectively(comm, [&] {
        genericio::write_planned(*plan);
        if (new_key) write_rank_map(key);  // the same bytes for every value of a key
      });
    });
    // Every rank has written its blocks (the ranks agreed on it): the file is complete.
    if (progress.set_aside) {
      try {
        io::remove_file(previous_file_name(file));
      } catch (const std::exception& e) {
        warn("the replaced value of key '" + key + "' could not be removed (close removes it): " + e.what());
      }
    }
    keep_own_part(key, plan->own);
    accounting_.stored(key, soa.nbytes());
  } catch (...) {
    // Every rank is past its writes here (the failure was agreed collectively). The earlier
    // value, if any, goes back in place, and its kept layout still describes it. The barrier
    // keeps every rank from opening the file before the file's rank 0 has put it back: a failed
    // set costs a third round, a successful one does not.
    restore_after_failed_write(key, progress, new_key);
    MPI_Barrier(comm);
    throw;
  }
}

StagedStorage::Work GenericIOFileStorage::stage_write(const std::string& key, const SoA& soa) {
  std::shared_ptr<const genericio::PlannedWrite> plan = genericio::plan_write(
      partition_.comm(), group_.comm(), partial_file_name(own_file_of(key)), soa, write_options(), {});
  staged_own_parts_[key] = plan->own;
  const bool new_key = !accounting_.holds(key);
  if (new_key) staged_new_keys_.insert(key);
  accounting_.stored(key, soa.nbytes());
  std::optional<genericio::RankMap> map = new_key ? rank_map_ : std::nullopt;
  return [plan = std::move(plan), map = std::move(map), map_file = file_of(key),
          transfers = accounting_.shared_transfers(), bytes = soa.nbytes()] {
    transfers->count_write(bytes, [&] {
      genericio::write_planned(*plan);
      if (map) genericio::write_rank_map(map_file, *map);
    });
  };
}

void GenericIOFileStorage::publish(const std::string& key) {
  staged_new_keys_.erase(key);
  if (file_root()) io::rename_file(partial_file_name(own_file_of(key)), own_file_of(key));
  const auto staged = staged_own_parts_.find(key);
  if (staged == staged_own_parts_.end()) {
    // Discarded since it was staged (the store is closing): nothing known of the file.
    forget_own_part(key);
    return;
  }
  keep_own_part(key, std::move(staged->second));
  staged_own_parts_.erase(staged);
}

void GenericIOFileStorage::abandon(const std::string& key) noexcept {
  if (file_root()) remove_quietly(partial_file_name(own_file_of(key)));
  if (map_root() && staged_new_keys_.contains(key)) remove_quietly(file_of(key));
  staged_new_keys_.erase(key);
  // Every rank gets here alike, but only the file's rank 0's publish knows whether its rename
  // happened: the file holds the earlier value or this one, so every rank reads it as any file.
  staged_own_parts_.erase(key);
  forget_own_part(key);
}

StagedStorage::Work GenericIOFileStorage::stage_erase(const std::string& key) {
  forget_own_part(key);
  accounting_.erased(key);
  std::vector<std::filesystem::path> files;
  if (file_root()) files.push_back(own_file_of(key));
  if (map_root()) files.push_back(file_of(key));
  return [files = std::move(files)] {
    for (const std::filesystem::path& file : files) (void)io::remove_file(file);
  };
}

void GenericIOFileStorage::keep_own_part(const std::string& key, genericio::Header own_part) {
  open_files_.forget(key);
  own_parts_.insert_or_assign(key, std::move(own_part));
}

void GenericIOFileStorage::forget_own_part(const std::string& key) noexcept {
  open_files_.forget(key);
  own_parts_.erase(key);
}

SoA GenericIOFileStorage::read(const std::string& key, const std::vector<std::string>* fields) {
  std::optional<std::vector<std::string>> variables;
  if (fields != nullptr) variables = *fields;
  const auto own_part = own_parts_.find(key);
  if (own_part == own_parts_.end()) {
    return accounting_.transfers().count_read([&] {
      return genericio::read(partition_.comm(), file_of(key), variables,
                             genericio::ReadOptions{.mismatch = genericio::Mismatch::Disallowed,
                                                     .io = accounting_.read_mode(key, io_)});
    });
  }
  const auto open = [&]() -> genericio::Dataset& {
    return open_files_.get(key, [&] { return genericio::Dataset::of_own_part(own_file_of(key), own_part->second); });
  };
  try {
    return accounting_.transfers().count_read(
        [&] { return genericio::read_own_part(partition_.comm(), open, variables, accounting_.read_mode(key, io_)); });
  } catch (...) {
    // Agreed on every rank: the next read opens the file afresh (it may have been replaced).
    open_files_.forget(key);
    throw;
  }
}

void GenericIOFileStorage::quiesce(bool /*cancel*/) noexcept { open_files_.clear(); }

void GenericIOFileStorage::erase(const std::string& key) {
  // One round: no rank can still be using the file, because every write and read of it ended in
  // a collective agreement, which no rank leaves before every rank has finished its part.
  forget_own_part(key);
  mpi::run_collectively(partition_.comm(), [&] {
    if (file_root()) io::remove_file(own_file_of(key));
    if (map_root()) io::remove_file(file_of(key));
  });
  accounting_.erased(key);
}

void GenericIOFileStorage::discard(const std::string& key) noexcept {
  // The file's rank 0 creates, renames and removes the shared file. Every rank removes the
  // ".partial": with background writes another rank's writer may still have been writing its
  // blocks (and so recreated the file) after rank 0 removed it; the last rank to get here
  // removes it for good.
  const std::filesystem::path file = own_file_of(key);
  remove_quietly(partial_file_name(file));
  if (file_root()) {
    remove_quietly(file);
    remove_quietly(previous_file_name(file));
  }
  if (map_root()) remove_quietly(file_of(key));
  staged_own_parts_.erase(key);
  staged_new_keys_.erase(key);
  forget_own_part(key);
  accounting_.erased(key);
}

}  // namespace soastore::stores
