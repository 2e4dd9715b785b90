// genericio::write: rank 0 lays out and writes the header, then every rank writes its own blocks
// straight from the caller's arrays (or their compressed copies) with one vectored write; errors
// are agreed on collectively.
#include <sys/uio.h>

#include <bit>
#include <optional>

#include <string>
#include <vector>

#include "genericio/blosc_block.hpp"
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

// What this rank stores for one variable: the caller's bytes, or a compressed copy of them.
struct Payload {
  const Array* array = nullptr;
  std::optional<std::vector<std::byte>> compressed;
  [[nodiscard]] std::span<const std::byte> bytes() const {
    return compressed ? std::span<const std::byte>(*compressed) : array->bytes();
  }
};

std::vector<Payload> prepare_payloads(const SoA& soa, const std::vector<Variable>& variables, bool compress) {
  std::vector<Payload> payloads;
  std::size_t v = 0;
  for (const auto& entry : soa) {
    Payload payload{&entry.second, std::nullopt};
    if (compress) payload.compressed = compress_block(entry.second.bytes(), variables[v].size);
    payloads.push_back(std::move(payload));
    ++v;
  }
  return payloads;
}

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

// The header every rank computes alike from everyone's row counts, coordinates and (for
// compressed writes) block sizes, gathered in one MPI_Allgather.
Header build_header(MPI_Comm comm, const SoA& soa, const WriteOptions& options, std::vector<Variable> variables,
                    const std::vector<Payload>& payloads) {
  constexpr std::uint64_t kCompressedBit = std::uint64_t{1} << 63;
  const mpi::RankGrid grid = mpi::rank_grid(comm);
  int size = 0;
  mpi::check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  const std::uint64_t rows = soa.empty() ? 0 : rows_of(soa.begin()->second);
  std::vector<std::uint64_t> mine = {rows, grid.coords[0], grid.coords[1], grid.coords[2]};
  for (const Payload& payload : payloads) mine.push_back(payload.bytes().size() | (payload.compressed ? kCompressedBit : 0));
  const std::size_t stride = mine.size();
  std::vector<std::uint64_t> all(stride * static_cast<std::size_t>(size));
  mpi::check(MPI_Allgather(mine.data(), static_cast<int>(stride), MPI_UINT64_T, all.data(), static_cast<int>(stride),
                           MPI_UINT64_T, comm),
             "MPI_Allgather");

  Header header;
  header.big_endian = std::endian::native == std::endian::big;  // writers use their own order
  header.dims = grid.dims;
  header.phys_origin = options.phys_origin;
  header.phys_scale = options.phys_scale;
  header.variables = std::move(variables);
  for (std::size_t r = 0; r < static_cast<std::size_t>(size); ++r) {
    const std::uint64_t* entry = all.data() + stride * r;
    header.ranks.push_back({{entry[1], entry[2], entry[3]}, entry[0], 0, r});
    header.total_rows += entry[0];
    if (!options.compress) continue;
    for (std::size_t v = 0; v < header.variables.size(); ++v) {
      header.blocks.push_back({0, entry[4 + v] & ~kCompressedBit, (entry[4 + v] & kCompressedBit) != 0});
    }
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

// This rank's blocks, payload and trailer after trailer, in one vectored write.
void write_blocks(const std::filesystem::path& path, const Header& header, const std::vector<Payload>& payloads,
                  std::size_t rank) {
  std::vector<Trailer> trailers;
  trailers.reserve(payloads.size());
  std::vector<iovec> buffers;
  for (const Payload& payload : payloads) {
    const std::span<const std::byte> bytes = payload.bytes();
    trailers.push_back(trailer_of(bytes));
    buffers.push_back({const_cast<std::byte*>(bytes.data()), bytes.size()});
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
  std::vector<Payload> payloads;
  mpi::run_collectively(comm, [&] {
    check_writable_variables(soa);
    variables = describe_variables(soa, options);
    (void)mpi::rank_grid(comm);  // a grid the format cannot record fails here, on every rank
    payloads = prepare_payloads(soa, variables, options.compress);
  });
  agree_on_variables(comm, variables);
  Header header = build_header(comm, soa, options, std::move(variables), payloads);
  const std::uint64_t file_length = assign_layout(header, options.block_headers || options.compress);
  mpi::run_collectively(comm, [&] {
    if (rank == 0) write_header(path, header, file_length);
  });
  mpi::run_collectively(comm, [&] { write_blocks(path, header, payloads, static_cast<std::size_t>(rank)); });
}

}  // namespace soastore::genericio
