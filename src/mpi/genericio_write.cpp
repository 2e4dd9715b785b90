// genericio::write: rank 0 lays out and writes the header, then every rank writes its own blocks
// straight from the caller's arrays with one vectored write; errors are agreed on collectively.
#include <sys/uio.h>

#include <bit>

#include <string>
#include <vector>

#include "genericio/crc_trailer.hpp"
#include "genericio/header.hpp"
#include "genericio/soa_rules.hpp"
#include "io/checksum.hpp"
#include "io/file.hpp"
#include "mpi/collective.hpp"
#include "mpi/genericio_topology.hpp"
#include "mpi/mpi_error.hpp"
#include "soastore/genericio.hpp"

namespace soastore::genericio {
namespace {

std::vector<Variable> describe_variables(const SoA& soa, const WriteOptions& options) {
  for (const auto& [name, flags] : options.variable_flags) {
    if (!soa.contains(name)) throw InvalidData("GenericIO write: flags given for '" + name + "', which is not in the data");
    if ((flags & ~(kKnownFlags & ~(kFloatFlag | kSignedFlag))) != 0) {
      throw InvalidData("GenericIO write: flags " + std::to_string(flags) + " for '" + name +
                        "' are not PhysCoordX/Y/Z or MaybePhysGhost");
    }
  }
  std::vector<Variable> variables;
  for (const auto& [name, array] : soa) {
    const auto flags = options.variable_flags.find(name);
    variables.push_back({name, type_flags(array.dtype()) | (flags == options.variable_flags.end() ? 0 : flags->second),
                         array.itemsize() * components_of(array), array.itemsize()});
  }
  return variables;
}

// Every rank must bring the same variables; the file has one list. Comparing a CRC of each
// rank's list (its minimum and maximum over the ranks) finds any difference in one allreduce.
void agree_on_variables(MPI_Comm comm, const std::vector<Variable>& variables) {
  std::uint64_t crc = 0;
  for (const Variable& v : variables) {
    const std::string entry = v.name + '\0' + std::to_string(v.flags) + ',' + std::to_string(v.size) + ',' +
                              std::to_string(v.element_size) + ';';
    crc = io::crc64_xz(std::as_bytes(std::span(entry)), crc);
  }
  std::uint64_t extremes[2] = {crc, ~crc};
  mpi::check(MPI_Allreduce(MPI_IN_PLACE, extremes, 2, MPI_UINT64_T, MPI_MIN, comm), "MPI_Allreduce");
  if (extremes[0] != ~extremes[1]) {
    throw InvalidData("GenericIO write: the ranks bring different variables (names, order, dtypes or flags differ)");
  }
}

// The header every rank computes alike from everyone's row counts and coordinates.
Header build_header(MPI_Comm comm, const SoA& soa, const WriteOptions& options, std::vector<Variable> variables) {
  const mpi::RankGrid grid = mpi::rank_grid(comm);
  int size = 0;
  mpi::check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  const std::uint64_t rows = soa.empty() ? 0 : rows_of(soa.begin()->second);
  const std::uint64_t mine[4] = {rows, grid.coords[0], grid.coords[1], grid.coords[2]};
  std::vector<std::uint64_t> all(4 * static_cast<std::size_t>(size));
  mpi::check(MPI_Allgather(mine, 4, MPI_UINT64_T, all.data(), 4, MPI_UINT64_T, comm), "MPI_Allgather");

  Header header;
  header.big_endian = std::endian::native == std::endian::big;  // writers use their own order
  header.dims = grid.dims;
  header.phys_origin = options.phys_origin;
  header.phys_scale = options.phys_scale;
  header.variables = std::move(variables);
  for (std::size_t r = 0; r < static_cast<std::size_t>(size); ++r) {
    header.ranks.push_back({{all[4 * r + 1], all[4 * r + 2], all[4 * r + 3]}, all[4 * r], 0, r});
    header.total_rows += all[4 * r];
  }
  return header;
}

void write_header(const std::filesystem::path& path, const Header& header, std::uint64_t file_length) {
  io::File file = io::File::create(path);
  // The final length first, as the reference: the file is exactly header + blocks, whatever was there.
  file.truncate(file_length);
  file.write_at(encode_header(header), 0);
  file.close();
}

// This rank's blocks, payload and trailer after trailer, in one vectored write from the arrays.
void write_blocks(const std::filesystem::path& path, const Header& header, const SoA& soa, std::size_t rank) {
  std::vector<Trailer> trailers;
  trailers.reserve(soa.size());
  std::vector<iovec> buffers;
  for (const auto& [name, array] : soa) {
    trailers.push_back(trailer_of(array.bytes()));
    buffers.push_back({const_cast<void*>(array.data()), array.nbytes()});
    buffers.push_back({trailers.back().data(), kTrailerSize});
  }
  if (buffers.empty()) return;
  io::File file = io::File::open_write(path);
  file.write_vectored_at(buffers, header.ranks[rank].start);
  file.close();
}

}  // namespace

void write(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa, const WriteOptions& options) {
  int rank = 0;
  mpi::check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  std::vector<Variable> variables;
  mpi::run_collectively(comm, [&] {
    check_writable_variables(soa);
    variables = describe_variables(soa, options);
    (void)mpi::rank_grid(comm);  // a grid the format cannot record fails here, on every rank
  });
  agree_on_variables(comm, variables);
  Header header = build_header(comm, soa, options, std::move(variables));
  const std::uint64_t file_length = assign_layout(header, options.block_headers);
  mpi::run_collectively(comm, [&] {
    if (rank == 0) write_header(path, header, file_length);
  });
  mpi::run_collectively(comm, [&] { write_blocks(path, header, soa, static_cast<std::size_t>(rank)); });
}

}  // namespace soastore::genericio
