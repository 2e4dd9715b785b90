#include "mpi/npz_group_write.hpp"

#include <array>

#include "mpi/collective.hpp"
#include "mpi/mpi_error.hpp"

namespace soastore::mpi {
namespace {

using Sums = std::array<std::uint64_t, 3>;

Sums as_sums(const npz::ShareExtent& extent) { return {extent.run_bytes, extent.directory_bytes, extent.entries}; }
npz::ShareExtent as_extent(const Sums& sums) { return {sums[0], sums[1], sums[2]}; }

}  // namespace

std::shared_ptr<PlannedShare> plan_share(MPI_Comm store_comm, const FileGroup& group, const std::filesystem::path& path,
                                         const SoA& soa, const npz::WriteOptions& options,
                                         const std::function<void()>& prepare) {
  int rank = 0;
  check(MPI_Comm_rank(store_comm, &rank), "MPI_Comm_rank");
  auto planned = std::make_shared<PlannedShare>();
  planned->path = path;
  planned->io = options.io;
  planned->soa = soa;
  std::exception_ptr error;
  try {
    planned->share.emplace(planned->soa, rank, options);
    if (group.rank() == 0) prepare();
  } catch (...) {
    error = std::current_exception();
  }
  // A rank that failed adds nothing: the sums are not used then (the agreement fails everywhere).
  const Sums own = planned->share && !error ? as_sums(planned->share->extent()) : Sums{};
  Sums before{};
  Sums total{};
  // One round: the three requests are in flight together.
  std::array<MPI_Request, 3> round{};
  check(MPI_Iexscan(own.data(), before.data(), 3, MPI_UINT64_T, MPI_SUM, group.comm(), &round[0]), "MPI_Iexscan");
  check(MPI_Iallreduce(own.data(), total.data(), 3, MPI_UINT64_T, MPI_SUM, group.comm(), &round[1]), "MPI_Iallreduce");
  ErrorAgreement agreement(store_comm, error);
  round[2] = agreement.request();
  wait_promptly(round);
  agreement.request() = round[2];  // completed: MPI_REQUEST_NULL
  agreement.finish();
  if (group.rank() == 0) before = {};  // MPI_Exscan leaves the first rank's result undefined
  planned->share->place(as_extent(before), as_extent(total), group.rank() == 0);
  return planned;
}

npz::ZipDirectory write_planned_share(PlannedShare& planned) {
  planned.share->write(planned.path, planned.io);
  return planned.share->own_members();
}

}  // namespace soastore::mpi
