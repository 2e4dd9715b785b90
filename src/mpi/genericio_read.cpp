// genericio::read: every rank opens the file and checks its header itself (the header is a few
// KiB that every rank needs anyway to find its blocks, and each rank must open the file for its
// data regardless, so a broadcast would save no file system round trip per rank but add a wire
// format for parsed headers); then each rank reads only the blocks of the asked variables for
// its file ranks. Errors are agreed on collectively, so every rank returns or every rank throws.
// Opening and reading are the serial codec's (genericio/dataset.hpp, genericio/reader.hpp); this
// file only decides which file ranks this rank reads and agrees on errors.
#include <string>
#include <vector>

#include "genericio/dataset.hpp"
#include "genericio/reader.hpp"
#include "genericio/redistribution.hpp"
#include "mpi/collective.hpp"
#include "mpi/genericio_topology.hpp"
#include "mpi/mpi_error.hpp"
#include "soastore/genericio_mpi.hpp"

namespace soastore::genericio {
namespace {

std::vector<std::size_t> file_ranks_to_read(MPI_Comm comm, const Dataset& dataset, Mismatch mismatch) {
  int rank = 0, size = 0;
  mpi::check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  mpi::check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  if (mismatch == Mismatch::Redistribute) {
    return redistributed_file_ranks(dataset.ranks().size(), static_cast<std::size_t>(size), static_cast<std::size_t>(rank));
  }
  check_rank_count(dataset, static_cast<std::size_t>(size));
  const mpi::RankGrid grid = mpi::rank_grid(comm);
  if (grid.cartesian) check_rank_grid(dataset, grid.dims);
  // For split files the file ranks are the world ranks of the rank map, in order.
  return {static_cast<std::size_t>(rank)};
}

SoA read_local(MPI_Comm comm, const std::filesystem::path& path, const std::optional<std::vector<std::string>>& names,
               const ReadOptions& options) {
  Dataset dataset = Dataset::open(path);
  const std::vector<std::size_t> file_ranks = file_ranks_to_read(comm, dataset, options.mismatch);
  const std::vector<std::size_t> variables = variables_to_read(dataset, names);
  return read_rank_blocks(dataset, file_ranks, variables, options.io);
}

}  // namespace

SoA read(MPI_Comm comm, const std::filesystem::path& path, const std::optional<std::vector<std::string>>& variables,
         Mismatch mismatch) {
  return read(comm, path, variables, ReadOptions{.mismatch = mismatch});
}

SoA read(MPI_Comm comm, const std::filesystem::path& path, const std::optional<std::vector<std::string>>& variables,
         const ReadOptions& options) {
  int rank = 0;
  mpi::check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  SoA result;
  std::exception_ptr error;
  try {
    result = read_local(comm, path, variables, options);
  } catch (const CorruptFile& e) {
    // The codec knows the file rank; the other ranks learn which MPI rank saw the damage.
    error = std::make_exception_ptr(CorruptFile(std::string(e.what()) + " (read by rank " + std::to_string(rank) + ")",
                                                e.path(), rank));
  } catch (...) {
    error = std::current_exception();
  }
  mpi::agree_on_error(comm, error);
  return result;
}

}  // namespace soastore::genericio
