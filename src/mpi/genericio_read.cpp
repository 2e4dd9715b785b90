// genericio::read: every rank opens the file and checks its header itself (the header is a few
// KiB that every rank needs anyway to find its blocks, and each rank must open the file for its
// data regardless, so a broadcast would save no file system round trip per rank but add a wire
// format for parsed headers); then each rank reads only the blocks of the asked variables for
// its file ranks. Errors are agreed on collectively, so every rank returns or every rank throws.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "genericio/block_reader.hpp"
#include "genericio/dataset.hpp"
#include "mpi/collective.hpp"
#include "mpi/genericio_topology.hpp"
#include "mpi/genericio_redistribution.hpp"
#include "mpi/mpi_error.hpp"
#include "soastore/genericio_mpi.hpp"

namespace soastore::genericio {
namespace {

std::string dims_text(const std::array<std::uint64_t, 3>& dims) {
  return std::to_string(dims[0]) + "x" + std::to_string(dims[1]) + "x" + std::to_string(dims[2]);
}

std::vector<std::size_t> file_ranks_to_read(MPI_Comm comm, const Dataset& dataset, Mismatch mismatch) {
  int rank = 0, size = 0;
  mpi::check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  mpi::check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  const std::size_t file_ranks = dataset.ranks().size();
  if (mismatch == Mismatch::Redistribute) {
    return mpi::redistributed_file_ranks(file_ranks, static_cast<std::size_t>(size), static_cast<std::size_t>(rank));
  }
  const std::string file = dataset.path().string();
  if (file_ranks != static_cast<std::size_t>(size)) {
    throw LayoutMismatch("won't read GenericIO file '" + file + "': it was written by " + std::to_string(file_ranks) +
                         " ranks, the communicator has " + std::to_string(size));
  }
  const mpi::RankGrid grid = mpi::rank_grid(comm);
  if (grid.cartesian && grid.dims != dataset.layout().dims) {
    throw LayoutMismatch("won't read GenericIO file '" + file + "': it was written on a " +
                         dims_text(dataset.layout().dims) + " rank grid, the communicator is " + dims_text(grid.dims));
  }
  // For split files the file ranks are the world ranks of the rank map, in order.
  return {static_cast<std::size_t>(rank)};
}

std::vector<std::size_t> variables_to_read(const Dataset& dataset,
                                           const std::optional<std::vector<std::string>>& names) {
  const Header& layout = dataset.layout();
  std::vector<std::size_t> indices;
  if (!names) {
    // A file may name two variables alike; an SoA holds one array per name, so the first wins,
    // as in find() and the reference (reading both would free the first one's buffer mid-read).
    for (std::size_t v = 0; v < layout.variables.size(); ++v) {
      if (layout.find(layout.variables[v].name) == v) indices.push_back(v);
    }
    return indices;
  }
  for (const std::string& name : *names) {
    const std::size_t v = layout.find(name);
    if (v == static_cast<std::size_t>(-1)) {
      throw KeyNotFound("variable '" + name + "' not found in GenericIO file '" + dataset.path().string() + "'");
    }
    if (std::find(indices.begin(), indices.end(), v) != indices.end()) {
      throw InvalidData("variable '" + name + "' asked for twice from GenericIO file '" + dataset.path().string() + "'");
    }
    indices.push_back(v);
  }
  return indices;
}

SoA read_local(MPI_Comm comm, const std::filesystem::path& path, const std::optional<std::vector<std::string>>& names,
               Mismatch mismatch) {
  Dataset dataset = Dataset::open(path);
  const std::vector<std::size_t> file_ranks = file_ranks_to_read(comm, dataset, mismatch);
  const std::vector<std::size_t> variables = variables_to_read(dataset, names);
  const Header& layout = dataset.layout();

  std::uint64_t rows = 0;
  for (std::size_t r : file_ranks) rows += dataset.rank_header(r).rows;  // bounded by the checked blocks
  SoA result;
  std::vector<std::span<std::byte>> remaining;  // the part of each output not yet assigned to a block
  for (std::size_t v : variables) {
    const Variable& variable = layout.variables[v];
    const std::size_t components = variable.components();
    Array array = Array::allocate(element_dtype(variable), components == 1 ? Shape{rows} : Shape{rows, components});
    remaining.push_back(array.bytes());
    result.insert(variable.name, std::move(array));
  }
  // Each output gets its file ranks' blocks back to back, in file rank order.
  std::map<std::size_t, std::vector<BlockRead>> reads_per_file;
  for (std::size_t r : file_ranks) {
    const Dataset::RankRef& where = dataset.ranks()[r];
    const std::uint64_t rank_rows = dataset.rank_header(r).rows;
    for (std::size_t i = 0; i < variables.size(); ++i) {
      const std::size_t bytes = rank_rows * layout.variables[variables[i]].size;
      reads_per_file[where.file].push_back({where.index, variables[i], remaining[i].first(bytes)});
      remaining[i] = remaining[i].subspan(bytes);
    }
  }
  for (auto& [file, reads] : reads_per_file) read_blocks(dataset.files()[file], reads);
  return result;
}

}  // namespace

SoA read(MPI_Comm comm, const std::filesystem::path& path, const std::optional<std::vector<std::string>>& variables,
         Mismatch mismatch) {
  int rank = 0;
  mpi::check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  SoA result;
  std::exception_ptr error;
  try {
    result = read_local(comm, path, variables, mismatch);
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
