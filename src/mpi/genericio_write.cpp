// genericio::write: the ranks exchange what the header needs in one round, then rank 0 writes the
// header while every rank writes its own blocks straight from the caller's arrays (or their
// compressed copies) a cache-sized chunk at a time; errors are agreed on collectively. What a
// rank writes, and where, is the serial codec's (genericio/writer.hpp); this file only exchanges
// what the ranks must know of each other and agrees on errors. plan_write and write_planned
// (mpi/genericio_write.hpp) are its two halves, for writers that run the second one elsewhere.
#include <exception>
#include <vector>

#include "genericio/writer.hpp"
#include "mpi/collective.hpp"
#include "mpi/genericio_topology.hpp"
#include "mpi/genericio_write.hpp"
#include "mpi/mpi_error.hpp"
#include "soastore/genericio_mpi.hpp"

namespace soastore::genericio {
namespace {

// What each rank tells the others before the header can be built, gathered in one MPI_Allgather:
// whether its checks passed, its variable list's CRC, its rows and its grid coordinates. One
// round instead of separate rounds for error agreement, variable agreement and the row counts.
enum Word : std::size_t { kFailed, kVariablesCrc, kRows, kCoord0, kWords = kCoord0 + 3 };

std::vector<RankFacts> gather_rank_facts(MPI_Comm comm, const SoA& soa, const std::vector<Variable>& variables,
                                         const std::exception_ptr& error) {
  int size = 0;
  mpi::check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  std::uint64_t mine[kWords] = {error ? 1u : 0u, 0, 0, 0, 0, 0};
  if (!error) {
    const mpi::RankGrid grid = mpi::rank_grid(comm);  // checked by prepare: does not throw here
    mine[kVariablesCrc] = variables_crc(variables);
    mine[kRows] = rows_of(soa);
    for (std::size_t d = 0; d < 3; ++d) mine[kCoord0 + d] = grid.coords[d];
  }
  std::vector<std::uint64_t> all(kWords * static_cast<std::size_t>(size));
  mpi::check(MPI_Allgather(mine, kWords, MPI_UINT64_T, all.data(), kWords, MPI_UINT64_T, comm), "MPI_Allgather");
  bool failed = false;
  for (std::size_t r = 0; r < static_cast<std::size_t>(size); ++r) failed |= all[r * kWords + kFailed] != 0;
  // Every rank saw the same flags, so either all agree on the error here or none does.
  if (failed) mpi::agree_on_error(comm, error);
  for (std::size_t r = 1; r < static_cast<std::size_t>(size); ++r) {
    if (all[r * kWords + kVariablesCrc] != all[kVariablesCrc]) {
      throw InvalidData("GenericIO write: the ranks bring different variables (names, order, dtypes or flags differ)");
    }
  }
  std::vector<RankFacts> ranks(static_cast<std::size_t>(size));
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    const std::uint64_t* entry = all.data() + kWords * r;
    ranks[r] = {{entry[kCoord0], entry[kCoord0 + 1], entry[kCoord0 + 2]}, entry[kRows]};
  }
  return ranks;
}

// Compressed blocks have sizes only their rank knows: one more MPI_Allgather, after the ranks
// agreed on the variables (so every rank sends as many sizes). Each size travels as one word,
// its top bit saying whether blosc compressed the block.
std::vector<BlockExtent> gather_block_extents(MPI_Comm comm, const std::vector<Payload>& payloads) {
  constexpr std::uint64_t kCompressedBit = std::uint64_t{1} << 63;
  int size = 0;
  mpi::check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  std::vector<std::uint64_t> mine;
  for (const BlockExtent& extent : payload_extents(payloads)) mine.push_back(extent.size | (extent.compressed ? kCompressedBit : 0));
  std::vector<std::uint64_t> all(mine.size() * static_cast<std::size_t>(size));
  mpi::check(MPI_Allgather(mine.data(), static_cast<int>(mine.size()), MPI_UINT64_T, all.data(),
                           static_cast<int>(mine.size()), MPI_UINT64_T, comm),
             "MPI_Allgather");
  std::vector<BlockExtent> extents;
  extents.reserve(all.size());
  for (const std::uint64_t word : all) extents.push_back({0, word & ~kCompressedBit, (word & kCompressedBit) != 0});
  return extents;
}

}  // namespace

std::unique_ptr<const PlannedWrite> plan_write(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa,
                                               const WriteOptions& options) {
  int rank = 0;
  mpi::check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  auto plan = std::make_unique<PlannedWrite>();
  plan->soa = soa;  // handles, not copies; the payloads point into the plan's own SoA
  plan->path = path;
  plan->rank = static_cast<std::size_t>(rank);
  std::vector<Variable> variables;
  std::exception_ptr error;
  try {
    variables = describe_variables(plan->soa, options);
    (void)mpi::rank_grid(comm);  // a grid the format cannot record fails here, on every rank
    plan->payloads = prepare_payloads(plan->soa, variables, options.compress);
  } catch (...) {
    error = std::current_exception();
  }
  const std::vector<RankFacts> ranks = gather_rank_facts(comm, plan->soa, variables, error);
  const std::vector<BlockExtent> blocks =
      options.compress ? gather_block_extents(comm, plan->payloads) : std::vector<BlockExtent>{};
  plan->layout = plan_layout(options, mpi::rank_grid(comm).dims, std::move(variables), ranks, blocks);
  return plan;
}

void write_planned(const PlannedWrite& plan) { write_rank_part(plan.path, plan.layout, plan.rank, plan.payloads); }

Header write_keeping_own_part(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa,
                              const WriteOptions& options) {
  const std::unique_ptr<const PlannedWrite> plan = plan_write(comm, path, soa, options);
  mpi::run_collectively(comm, [&] { write_planned(*plan); });
  return own_part(plan->layout, plan->rank);
}

void write(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa, const WriteOptions& options) {
  (void)write_keeping_own_part(comm, path, soa, options);
}

}  // namespace soastore::genericio
