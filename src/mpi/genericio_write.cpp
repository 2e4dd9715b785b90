// genericio::write: the ranks exchange what the header needs in one round, then rank 0 writes the
// header while every rank writes its own blocks straight from the caller's arrays (or their
// compressed copies) a cache-sized chunk at a time; errors are agreed on collectively.
#include <bit>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "genericio/blosc_block.hpp"
#include "genericio/crc_trailer.hpp"
#include "genericio/header.hpp"
#include "genericio/soa_rules.hpp"
#include "io/checksum.hpp"
#include "io/chunked_io.hpp"
#include "io/file.hpp"
#include "mpi/collective.hpp"
#include "mpi/genericio_topology.hpp"
#include "mpi/mpi_error.hpp"
#include "soastore/genericio_mpi.hpp"

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

// A CRC of the variable list (names, order, flags, sizes): every rank must bring the same
// variables, since the file has one list, and comparing CRCs finds any difference.
std::uint64_t variables_crc(const std::vector<Variable>& variables) {
  std::uint64_t crc = 0;
  for (const Variable& v : variables) {
    const std::string entry = v.name + '\0' + std::to_string(v.flags) + ',' + std::to_string(v.size) + ',' +
                              std::to_string(v.element_size) + ';';
    crc = io::crc64_xz(std::as_bytes(std::span(entry)), crc);
  }
  return crc;
}

// What each rank tells the others before the header can be built, gathered in one MPI_Allgather:
// whether its checks passed, its variable list's CRC, its rows and its grid coordinates. One
// round instead of separate rounds for error agreement, variable agreement and the row counts.
enum Word : std::size_t { kFailed, kVariablesCrc, kRows, kCoord0, kWords = kCoord0 + 3 };

std::vector<std::uint64_t> gather_rank_facts(MPI_Comm comm, const SoA& soa, const std::vector<Variable>& variables,
                                             const std::exception_ptr& error) {
  int size = 0;
  mpi::check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  std::uint64_t mine[kWords] = {error ? 1u : 0u, 0, 0, 0, 0, 0};
  if (!error) {
    const mpi::RankGrid grid = mpi::rank_grid(comm);  // checked by prepare: does not throw here
    mine[kVariablesCrc] = variables_crc(variables);
    mine[kRows] = soa.empty() ? 0 : rows_of(soa.begin()->second);
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
  return all;
}

// Compressed blocks have sizes only their rank knows: one more MPI_Allgather, after the ranks
// agreed on the variables (so every rank sends as many sizes).
std::vector<std::uint64_t> gather_block_sizes(MPI_Comm comm, const std::vector<Payload>& payloads) {
  constexpr std::uint64_t kCompressedBit = std::uint64_t{1} << 63;
  int size = 0;
  mpi::check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  std::vector<std::uint64_t> mine;
  for (const Payload& payload : payloads) mine.push_back(payload.bytes().size() | (payload.compressed ? kCompressedBit : 0));
  std::vector<std::uint64_t> all(mine.size() * static_cast<std::size_t>(size));
  mpi::check(MPI_Allgather(mine.data(), static_cast<int>(mine.size()), MPI_UINT64_T, all.data(),
                           static_cast<int>(mine.size()), MPI_UINT64_T, comm),
             "MPI_Allgather");
  return all;
}

// The header every rank computes alike from everyone's facts (and block sizes when compressed).
Header build_header(MPI_Comm comm, const WriteOptions& options, std::vector<Variable> variables,
                    const std::vector<std::uint64_t>& facts, const std::vector<std::uint64_t>& block_sizes) {
  constexpr std::uint64_t kCompressedBit = std::uint64_t{1} << 63;
  Header header;
  header.big_endian = std::endian::native == std::endian::big;  // writers use their own order
  header.dims = mpi::rank_grid(comm).dims;
  header.phys_origin = options.phys_origin;
  header.phys_scale = options.phys_scale;
  header.variables = std::move(variables);
  const std::size_t count = header.variables.size();
  for (std::size_t r = 0; r < facts.size() / kWords; ++r) {
    const std::uint64_t* entry = facts.data() + kWords * r;
    header.ranks.push_back({{entry[kCoord0], entry[kCoord0 + 1], entry[kCoord0 + 2]}, entry[kRows], 0, r});
    header.total_rows += entry[kRows];
    if (!options.compress) continue;
    for (std::size_t v = 0; v < count; ++v) {
      const std::uint64_t block = block_sizes[r * count + v];
      header.blocks.push_back({0, block & ~kCompressedBit, (block & kCompressedBit) != 0});
    }
  }
  return header;
}

// Rank 0 writes the header, every rank its blocks, payload and trailer after trailer; each
// payload is checksummed a chunk at a time right before that chunk is written (see
// io/chunked_io.hpp), so the CRC reads cached bytes. Every rank opens the file without truncating
// it, so no rank waits for rank 0 to create it; rank 0 sets the final length, as the reference
// does, so the file is exactly header + blocks whatever was there before, and every byte below
// that length is written by some rank.
void write_file(const std::filesystem::path& path, const Header& header, std::uint64_t file_length,
                const std::vector<Payload>& payloads, std::size_t rank) {
  io::File file = io::File::open_or_create(path);
  if (rank == 0) {
    file.truncate(file_length);
    file.write_at(encode_header(header), 0);
  }
  std::vector<Trailer> trailers;
  trailers.reserve(payloads.size());  // no reallocation: the writer holds pointers into it
  io::GatheringWriter writer(file, header.ranks[rank].start);
  for (const Payload& payload : payloads) {
    std::uint64_t crc = 0;
    writer.append_chunks(payload.bytes(), [&](std::span<const std::byte> chunk) { crc = io::crc64_xz(chunk, crc); });
    trailers.push_back(make_trailer(crc));
    writer.append(trailers.back());
  }
  writer.flush();
  file.close();
}

}  // namespace

void write(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa, const WriteOptions& options) {
  int rank = 0;
  mpi::check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  std::vector<Variable> variables;
  std::vector<Payload> payloads;
  std::exception_ptr error;
  try {
    if (options.one_dimensional) {
      check_writable(soa);
    } else {
      check_writable_variables(soa);
    }
    variables = describe_variables(soa, options);
    (void)mpi::rank_grid(comm);  // a grid the format cannot record fails here, on every rank
    payloads = prepare_payloads(soa, variables, options.compress);
  } catch (...) {
    error = std::current_exception();
  }
  const std::vector<std::uint64_t> facts = gather_rank_facts(comm, soa, variables, error);
  const std::vector<std::uint64_t> block_sizes = options.compress ? gather_block_sizes(comm, payloads) : std::vector<std::uint64_t>{};
  Header header = build_header(comm, options, std::move(variables), facts, block_sizes);
  const std::uint64_t file_length = assign_layout(header, options.block_headers || options.compress);
  mpi::run_collectively(comm, [&] { write_file(path, header, file_length, payloads, static_cast<std::size_t>(rank)); });
}

}  // namespace soastore::genericio
