#include "stores/genericio_file_storage.hpp"

#include "io/file.hpp"
#include "mpi/collective.hpp"
#include "mpi/genericio_read.hpp"
#include "mpi/genericio_write.hpp"
#include "soastore/genericio_mpi.hpp"
#include "stores/file_names.hpp"

namespace soastore::stores {
GenericIOFileStorage::GenericIOFileStorage(Partition partition, double box_size, std::filesystem::path prefix,
                                           IoMode io)
    : partition_(std::move(partition)), box_size_(box_size), prefix_(std::move(prefix)), io_(io) {}

std::filesystem::path GenericIOFileStorage::file_of(const std::string& key) const {
  return genericio_file_name(prefix_, key);
}

genericio::WriteOptions GenericIOFileStorage::write_options() const {
  genericio::WriteOptions options;
  options.phys_scale = {box_size_, box_size_, box_size_};
  options.one_dimensional = true;  // checked on every rank before any file is touched
  options.io = io_;
  return options;
}

void GenericIOFileStorage::write(const std::string& key, const SoA& soa) {
  const MPI_Comm comm = partition_.comm();
  const bool root = partition_.rank() == 0;
  const std::filesystem::path final_path = file_of(key);
  const std::filesystem::path partial = partial_file_name(final_path);
  const genericio::WriteOptions options = write_options();
  try {
    genericio::Header own_part;
    accounting_.transfers().count_write(
        soa.nbytes(), [&] { own_part = genericio::write_keeping_own_part(comm, partial, soa, options); });
    // Every rank has written its blocks (write agrees on the outcome): the file is complete.
    mpi::run_collectively(comm, [&] {
      if (root) io::rename_file(partial, final_path);
    });
    keep_own_part(key, std::move(own_part));
    accounting_.stored(key, soa.nbytes());
  } catch (...) {
    // Every rank is past its writes here (the failure was agreed collectively). The earlier
    // value, if any, is still in place, and so is its kept layout.
    if (root) remove_quietly(partial);
    throw;
  }
}

StagedStorage::Work GenericIOFileStorage::stage_write(const std::string& key, const SoA& soa) {
  std::shared_ptr<const genericio::PlannedWrite> plan =
      genericio::plan_write(partition_.comm(), partial_file_name(file_of(key)), soa, write_options());
  staged_own_parts_[key] = genericio::own_part(plan->layout, plan->rank);
  accounting_.stored(key, soa.nbytes());
  return [plan = std::move(plan), transfers = accounting_.shared_transfers(), bytes = soa.nbytes()] {
    transfers->count_write(bytes, [&] { genericio::write_planned(*plan); });
  };
}

void GenericIOFileStorage::publish(const std::string& key) {
  if (partition_.rank() == 0) io::rename_file(partial_file_name(file_of(key)), file_of(key));
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
  if (partition_.rank() == 0) remove_quietly(partial_file_name(file_of(key)));
  // Every rank gets here alike, but only rank 0's publish knows whether its rename happened:
  // the file holds the earlier value or this one, so every rank reads it as any file.
  staged_own_parts_.erase(key);
  forget_own_part(key);
}

StagedStorage::Work GenericIOFileStorage::stage_erase(const std::string& key) {
  forget_own_part(key);
  accounting_.erased(key);
  if (partition_.rank() != 0) return [] {};
  return [file = file_of(key)] { (void)io::remove_file(file); };
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
    return open_files_.get(key, [&] { return genericio::Dataset::of_own_part(file_of(key), own_part->second); });
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
    if (partition_.rank() == 0) io::remove_file(file_of(key));
  });
  accounting_.erased(key);
}

void GenericIOFileStorage::discard(const std::string& key) noexcept {
  // Rank 0 creates, renames and removes the shared file. Every rank removes the ".partial": with
  // background writes another rank's writer may still have been writing its blocks (and so
  // recreated the file) after rank 0 removed it; the last rank to get here removes it for good.
  remove_quietly(partial_file_name(file_of(key)));
  if (partition_.rank() == 0) remove_quietly(file_of(key));
  staged_own_parts_.erase(key);
  forget_own_part(key);
  accounting_.erased(key);
}

}  // namespace soastore::stores
