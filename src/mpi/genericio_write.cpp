// genericio::write: one round of exchange, then rank 0 writes the header while every rank writes
// its own blocks straight from the caller's arrays (or their compressed copies) a cache-sized
// chunk at a time; errors are agreed on collectively. What a rank writes, and where, is the
// serial codec's (genericio/writer.hpp); this file only exchanges what the ranks must know of
// each other and agrees on errors. plan_write and write_planned (mpi/genericio_write.hpp) are
// its two halves, for writers that run the second one elsewhere.
//
// The exchange is three nonblocking collectives started together, one round whatever the rank
// count: an allreduce over all writers (their checks passed, they bring the same variables, the
// largest rank's bytes, which decides direct I/O alike everywhere), an exclusive scan over the
// file's ranks (the bytes their blocks span: where each rank's blocks start) and a gather to the
// file's rank 0 (rows and coordinates, for the header only it writes). So every rank sends and
// receives O(1) bytes, and only the rank that writes the header holds O(ranks), as the format
// requires. (An allgather of every rank's facts, as before, held O(ranks) on every rank: 0.5 MB
// per rank per write at 10,000 ranks.)
#include <exception>
#include <string>
#include <vector>

#include "genericio/writer.hpp"
#include "io/direct_writer.hpp"
#include "mpi/collective.hpp"
#include "mpi/genericio_topology.hpp"
#include "mpi/genericio_write.hpp"
#include "mpi/mpi_error.hpp"
#include "mpi/owned_comm.hpp"
#include "soastore/genericio_mpi.hpp"

namespace soastore::genericio {
namespace {

// Agreed over every writer (MPI_MAX): failed, the variable list's CRC and its complement (equal
// CRCs everywhere exactly when max(crc) == ~max(~crc), i.e. the largest equals the smallest), and
// the largest rank's block bytes.
enum AgreedWord : std::size_t { kFailed, kVariablesCrc, kVariablesCrcComplement, kLargestSpan, kAgreedWords };
// Scanned over the file's ranks (MPI_SUM): the rank's blocks span in each layout.
enum SpanWord : std::size_t { kBufferedSpan, kDirectSpan, kSpanWords };
// Gathered to the file's rank 0.
enum FactWord : std::size_t { kRows, kGlobalRank, kCoord0, kFactWords = kCoord0 + 3 };

int rank_in(MPI_Comm comm) {
  int rank = 0;
  mpi::check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  return rank;
}

int size_of(MPI_Comm comm) {
  int size = 0;
  mpi::check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  return size;
}

// Compressed blocks have sizes only their rank knows, and only the header needs all of them: one
// more gather to the file's rank 0, after the ranks agreed on the variables (so every rank sends
// as many sizes). Each size travels as one word, its top bit saying whether blosc compressed it.
std::vector<BlockExtent> gather_block_extents(MPI_Comm file, std::span<const BlockExtent> mine) {
  constexpr std::uint64_t kCompressedBit = std::uint64_t{1} << 63;
  const bool root = rank_in(file) == 0;
  std::vector<std::uint64_t> words;
  for (const BlockExtent& extent : mine) words.push_back(extent.size | (extent.compressed ? kCompressedBit : 0));
  std::vector<std::uint64_t> all(root ? words.size() * static_cast<std::size_t>(size_of(file)) : 0);
  mpi::check(MPI_Gather(words.data(), static_cast<int>(words.size()), MPI_UINT64_T, all.data(),
                        static_cast<int>(words.size()), MPI_UINT64_T, 0, file),
             "MPI_Gather");
  std::vector<BlockExtent> extents;
  extents.reserve(all.size());
  for (const std::uint64_t word : all) extents.push_back({0, word & ~kCompressedBit, (word & kCompressedBit) != 0});
  return extents;
}

std::vector<RankFacts> facts_of(std::span<const std::uint64_t> words) {
  std::vector<RankFacts> ranks(words.size() / kFactWords);
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    const std::uint64_t* entry = words.data() + kFactWords * r;
    ranks[r] = {{entry[kCoord0], entry[kCoord0 + 1], entry[kCoord0 + 2]}, entry[kRows], entry[kGlobalRank]};
  }
  return ranks;
}

}  // namespace

std::unique_ptr<const PlannedWrite> plan_write(MPI_Comm writers, MPI_Comm file, const std::filesystem::path& path,
                                               const SoA& soa, const WriteOptions& options,
                                               const std::function<void()>& before_exchange) {
  const int file_rank = rank_in(file);
  const int file_size = size_of(file);
  auto plan = std::make_unique<PlannedWrite>();
  plan->soa = soa;  // handles, not copies; the payloads point into the plan's own SoA
  plan->path = path;
  std::vector<Variable> variables;
  mpi::RankGrid grid;
  std::vector<BlockExtent> extents;
  std::exception_ptr error;
  try {
    if (before_exchange) before_exchange();
    variables = describe_variables(plan->soa, options);
    grid = mpi::rank_grid(writers);  // a grid the format cannot record fails here, on every rank
    plan->payloads = prepare_payloads(plan->soa, variables, options.compress);
    extents = payload_extents(plan->payloads);
  } catch (...) {
    error = std::current_exception();
  }

  std::uint64_t agreed[kAgreedWords] = {1, 0, 0, 0};
  std::uint64_t spans[kSpanWords] = {0, 0};
  std::uint64_t facts[kFactWords] = {};
  if (!error) {
    const std::uint64_t crc = variables_crc(variables);
    spans[kBufferedSpan] = rank_span(extents, 1);
    spans[kDirectSpan] = rank_span(extents, io::kDirectAlignment);
    agreed[kFailed] = 0;
    agreed[kVariablesCrc] = crc;
    agreed[kVariablesCrcComplement] = ~crc;
    agreed[kLargestSpan] = spans[kBufferedSpan];
    facts[kRows] = rows_of(plan->soa);
    facts[kGlobalRank] = static_cast<std::uint64_t>(rank_in(writers));
    for (std::size_t d = 0; d < 3; ++d) facts[kCoord0 + d] = grid.coords[d];
  }
  std::uint64_t before[kSpanWords] = {0, 0};
  std::vector<std::uint64_t> all_facts(file_rank == 0 ? kFactWords * static_cast<std::size_t>(file_size) : 0);
  MPI_Request requests[3];
  mpi::check(MPI_Iallreduce(MPI_IN_PLACE, agreed, kAgreedWords, MPI_UINT64_T, MPI_MAX, writers, &requests[0]),
             "MPI_Iallreduce");
  mpi::check(MPI_Iexscan(spans, before, kSpanWords, MPI_UINT64_T, MPI_SUM, file, &requests[1]), "MPI_Iexscan");
  mpi::check(MPI_Igather(facts, kFactWords, MPI_UINT64_T, all_facts.data(), kFactWords, MPI_UINT64_T, 0, file,
                         &requests[2]),
             "MPI_Igather");
  mpi::wait_promptly(requests);
  if (file_rank == 0) before[kBufferedSpan] = before[kDirectSpan] = 0;  // MPI_Exscan leaves it undefined

  // Every rank saw the same words, so either all agree on an error here or none does.
  if (agreed[kFailed] != 0) mpi::agree_on_error(writers, error);
  if (agreed[kVariablesCrc] != ~agreed[kVariablesCrcComplement]) {
    throw InvalidData("GenericIO write: the ranks bring different variables (names, order, dtypes or flags differ)");
  }
  plan->direct = use_direct_io(options.io, agreed[kLargestSpan]) && !variables.empty();
  const std::uint64_t alignment = plan->direct ? io::kDirectAlignment : 1;
  const std::uint64_t start =
      blocks_start(variables.size(), static_cast<std::size_t>(file_size), uses_block_headers(options, plan->direct),
                   alignment) +
      before[plan->direct ? kDirectSpan : kBufferedSpan];
  const RankFacts mine = facts_of(facts).front();
  plan->own = own_part_at(options, grid.dims, variables, mine, extents, start, plan->direct);
  const std::vector<BlockExtent> blocks =
      options.compress ? gather_block_extents(file, extents) : std::vector<BlockExtent>{};
  if (file_rank == 0) {
    plan->whole = plan_layout(options, grid.dims, std::move(variables), facts_of(all_facts), blocks, plan->direct);
  }
  return plan;
}

std::unique_ptr<const PlannedWrite> plan_write(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa,
                                               const WriteOptions& options) {
  return plan_write(comm, comm, path, soa, options, {});
}

void write_planned(const PlannedWrite& plan) {
  write_rank_part(plan.path, plan.own, plan.direct, plan.whole ? &*plan.whole : nullptr, plan.payloads);
}

Header write_keeping_own_part(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa,
                              const WriteOptions& options) {
  const std::unique_ptr<const PlannedWrite> plan = plan_write(comm, path, soa, options);
  mpi::run_collectively(comm, [&] { write_planned(*plan); });
  return plan->own;
}

std::optional<RankMap> gather_rank_map(MPI_Comm writers, std::int32_t partition) {
  const bool root = rank_in(writers) == 0;
  const int size = size_of(writers);
  std::vector<std::int32_t> partitions(root ? static_cast<std::size_t>(size) : 0);
  mpi::check(MPI_Gather(&partition, 1, MPI_INT32_T, partitions.data(), 1, MPI_INT32_T, 0, writers), "MPI_Gather");
  if (!root) return std::nullopt;
  RankMap map;
  map.partitions = std::move(partitions);
  const mpi::RankGrid grid = mpi::rank_grid(writers);
  map.cartesian = grid.cartesian;
  if (grid.cartesian) {
    map.dims = grid.dims;
    int ndims = 0;
    mpi::check(MPI_Cartdim_get(writers, &ndims), "MPI_Cartdim_get");
    std::vector<int> coords(static_cast<std::size_t>(ndims));
    for (int r = 0; r < size; ++r) {
      mpi::check(MPI_Cart_coords(writers, r, ndims, coords.data()), "MPI_Cart_coords");
      std::array<std::uint64_t, 3> padded{};
      for (int d = 0; d < ndims; ++d) padded[static_cast<std::size_t>(d)] = static_cast<std::uint64_t>(coords[d]);
      map.coords.push_back(padded);
    }
  }
  return map;
}

namespace {

// The reference's split write (format §7): the ranks of each partition write "path#P" over their
// own communicator, world rank 0 writes the rank map at `path`, and all agree on the outcome.
void write_split(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa, const WriteOptions& options,
                 std::int32_t partition) {
  mpi::OwnedComm file;
  mpi::check(MPI_Comm_split(comm, partition, rank_in(comm), &file.comm), "MPI_Comm_split");
  const std::optional<RankMap> map = gather_rank_map(comm, partition);
  const std::unique_ptr<const PlannedWrite> plan =
      plan_write(comm, file.comm, path.string() + "#" + std::to_string(partition), soa, options, {});
  mpi::run_collectively(comm, [&] {
    write_planned(*plan);
    if (map) write_rank_map(path, *map);
  });
}

}  // namespace

void write(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa, const WriteOptions& options) {
  if (!options.partition) {
    (void)write_keeping_own_part(comm, path, soa, options);
    return;
  }
  // The smallest and largest partition, agreed: one file when they are the same, as the
  // reference writes one; a negative partition fails on every rank.
  const std::int32_t mine = *options.partition;
  std::int32_t range[2] = {-mine, mine};
  mpi::allreduce_in_place(range, 2, MPI_INT32_T, MPI_MAX, comm);
  if (-range[0] < 0) {
    throw InvalidData("GenericIO write: partition " + std::to_string(-range[0]) + " is negative (partitions are 0 or more)");
  }
  if (-range[0] == range[1]) {
    (void)write_keeping_own_part(comm, path, soa, options);
    return;
  }
  write_split(comm, path, soa, options, mine);
}

}  // namespace soastore::genericio
