// genericio::read: rank 0 reads the file's header and broadcasts its bytes, and every rank decodes
// and checks them itself; then each rank opens the file and reads only the blocks of the asked
// variables for its file ranks. The header holds 48 bytes per writer rank (and 48 more per block
// with block headers): 0.5 MB at 10,000 ranks, which every rank reading it would make O(P^2)
// bytes per read in all, against O(P) bytes on one rank and a broadcast. Errors are agreed on
// collectively, so every rank returns or every rank throws. Opening and reading are the serial
// codec's (genericio/dataset.hpp, genericio/reader.hpp); this file only shares the header,
// decides which file ranks this rank reads and agrees on errors.
//
// Of a split file, rank 0 broadcasts the rank map's header; every rank then reads the map's
// partition column (4 bytes per rank) and opens only the sub-files holding the file ranks it
// reads, one with one sub-file per rank or node (Dataset::open_subfiles_for): opening every
// sub-file on every rank would be P^2 opens. The stores read back what they wrote without any
// header (Dataset::of_own_part).
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "genericio/dataset.hpp"
#include "genericio/reader.hpp"
#include "genericio/redistribution.hpp"
#include "io/file.hpp"
#include "mpi/collective.hpp"
#include "mpi/genericio_read.hpp"
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
  // For split files the file ranks are the world ranks of the rank map, in order.
  return {static_cast<std::size_t>(rank)};
}

// Opens the sub-files of `file_ranks` (split files) and checks the grid (which needs a header).
void open_for(MPI_Comm comm, Dataset& dataset, std::span<const std::size_t> file_ranks, Mismatch mismatch) {
  dataset.open_subfiles_for(file_ranks);
  if (mismatch == Mismatch::Redistribute) return;
  const mpi::RankGrid grid = mpi::rank_grid(comm);
  if (grid.cartesian) check_rank_grid(dataset, grid.dims);
}

// This rank's failure of `part`, or null. The codec knows the file rank of a CorruptFile; the
// other ranks learn which MPI rank saw the damage.
template <typename Part>
std::exception_ptr failure_of(int rank, Part&& part) {
  try {
    part();
  } catch (const CorruptFile& e) {
    return std::make_exception_ptr(CorruptFile(std::string(e.what()) + " (read by rank " + std::to_string(rank) + ")",
                                               e.path(), rank));
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

// Rank 0's copy of the header bytes of `path` on every rank: a broadcast of their length, then
// one of the bytes. A failure to read them on rank 0 is thrown on every rank.
std::vector<std::byte> broadcast_header(MPI_Comm comm, int rank, const std::filesystem::path& path) {
  constexpr std::uint64_t kFailed = UINT64_MAX;
  std::vector<std::byte> header;
  std::exception_ptr error;
  if (rank == 0) {
    error = failure_of(rank, [&] {
      io::File file = io::File::open_read(path);
      header = read_header_bytes(file, path.string());
      // MPI counts in int; 2 GiB of header would be 45 million writer ranks.
      if (header.size() > static_cast<std::size_t>(INT_MAX)) {
        throw Error("GenericIO header of '" + path.string() + "' is over 2 GiB");
      }
    });
  }
  std::uint64_t length = error ? kFailed : header.size();
  mpi::check(MPI_Bcast(&length, 1, MPI_UINT64_T, 0, comm), "MPI_Bcast");
  if (length == kFailed) mpi::agree_on_error(comm, error);  // rank 0's failure, thrown everywhere
  header.resize(length);
  mpi::check(MPI_Bcast(header.data(), static_cast<int>(length), MPI_BYTE, 0, comm), "MPI_Bcast");
  return header;
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
  const std::vector<std::byte> header = broadcast_header(comm, rank, path);
  SoA result;
  const std::exception_ptr error = failure_of(rank, [&] {
    Dataset dataset = Dataset::open(path, header);
    const std::vector<std::size_t> file_ranks = file_ranks_to_read(comm, dataset, options.mismatch);
    open_for(comm, dataset, file_ranks, options.mismatch);
    result = read_rank_blocks(dataset, file_ranks, variables_to_read(dataset, variables), options.io);
  });
  mpi::agree_on_error(comm, error);
  return result;
}

SoA read_own_part(MPI_Comm comm, const std::function<Dataset&()>& own_part,
                  const std::optional<std::vector<std::string>>& names, IoMode io) {
  int rank = 0;
  mpi::check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  SoA result;
  const std::exception_ptr error = failure_of(rank, [&] {
    Dataset& dataset = own_part();
    const std::size_t own_rank = 0;  // the only rank of an own part
    result = read_rank_blocks(dataset, {&own_rank, 1}, variables_to_read(dataset, names), io);
  });
  mpi::agree_on_error(comm, error);
  return result;
}

}  // namespace soastore::genericio
