#pragma once
// The serial GenericIO writer: what one rank does to write its part of a file, with no MPI.
//
// A write of R ranks goes: each rank describes its variables and prepares its payloads
// (describe_variables, prepare_payloads) and works out how many bytes its blocks span (rank_span);
// a scan of those spans over the ranks gives each rank where its blocks start, from which it lays
// out its own part (own_part_at); rank 0, told every rank's rows and coordinates (and, when
// compressing, block sizes), plans the whole layout for the header (plan_layout), which places
// every rank where its own part says. Rank 0 writes the header and every rank its own blocks
// (write_rank_part). So no rank but rank 0 holds anything of the other ranks: O(1) per rank where
// the header is O(ranks). Only the telling needs MPI (src/mpi/genericio_write.cpp does it); every
// function here takes all it needs as arguments, so a background thread can call them too.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include "genericio/header.hpp"
#include "io/file.hpp"
#include "soastore/genericio.hpp"
#include "soastore/soa.hpp"

namespace soastore::genericio {

// What this rank stores for one variable: the caller's bytes, or a compressed copy of them.
struct Payload {
  const Array* array = nullptr;
  std::optional<std::vector<std::byte>> compressed;
  [[nodiscard]] std::span<const std::byte> bytes() const {
    return compressed ? std::span<const std::byte>(*compressed) : array->bytes();
  }
};

// Checks that `soa` can be written (1-D arrays only with options.one_dimensional, else also
// (rows, k)) and that options.variable_flags names its fields and known flags, then describes
// its variables as the header lists them. InvalidData naming the field otherwise.
[[nodiscard]] std::vector<Variable> describe_variables(const SoA& soa, const WriteOptions& options);

// One payload per variable of `soa` (in order), pointing at the caller's arrays, or with
// `compress` holding the BLOSC block of each array that blosc makes smaller. The payloads point
// into `soa`, which must outlive them.
[[nodiscard]] std::vector<Payload> prepare_payloads(const SoA& soa, const std::vector<Variable>& variables,
                                                    bool compress);

// A CRC of the variable list (names, order, flags, sizes): every rank must bring the same
// variables, since the file has one list, and comparing CRCs finds any difference.
[[nodiscard]] std::uint64_t variables_crc(const std::vector<Variable>& variables);

// The rows of `soa` as GenericIO counts them (0 for no arrays).
[[nodiscard]] std::uint64_t rows_of(const SoA& soa) noexcept;

// What one rank of the file contributes to its header.
struct RankFacts {
  std::array<std::uint64_t, 3> coords{};
  std::uint64_t rows = 0;
  // The writer's rank in the whole job: its index in the file, except in a sub-file of a split
  // file, which holds only some ranks.
  std::uint64_t global_rank = 0;
};

// Whether blocks carry block headers: asked for, compressed, or direct (whose 4 KiB-aligned
// blocks the reference can only find through their block headers).
[[nodiscard]] bool uses_block_headers(const WriteOptions& options, bool direct) noexcept;

// Where the first rank's blocks may start in a file of `nvariables` and `nranks`: after the
// header and its trailer (on the next `alignment` boundary for direct writes).
[[nodiscard]] std::uint64_t blocks_start(std::size_t nvariables, std::size_t nranks, bool block_headers,
                                         std::uint64_t alignment);

// The bytes a rank's blocks of `payload_sizes` span in the file, each block followed by its
// trailer and starting on an `alignment` boundary, up to where the next rank starts. The starts
// of the ranks are blocks_start plus the exclusive scan of their spans.
[[nodiscard]] std::uint64_t rank_span(std::span<const BlockExtent> payloads, std::uint64_t alignment);

// This rank's part of the file's layout when its blocks start at `start`: the variables, byte
// order and grid, its rank header and its blocks' extents (each CRC trailer right after its
// block), as plan_layout places them in the whole. What the rank needs to write and later read
// its own blocks, and what a store keeps of each file it wrote: O(variables), where the header is
// O(ranks).
[[nodiscard]] Header own_part_at(const WriteOptions& options, const std::array<std::uint64_t, 3>& dims,
                                 std::vector<Variable> variables, const RankFacts& rank,
                                 std::span<const BlockExtent> payloads, std::uint64_t start, bool direct);

// Where everything of a file goes: the header (each rank's Start; every block's offset and
// payload size, its CRC trailer right after it; the header's own trailer after
// canonical_header_size bytes) and the length of the file. What the rank writing the header plans.
struct Layout {
  Header header;
  std::uint64_t file_length = 0;
  // Written with O_DIRECT: every block on a 4 KiB boundary (options.io, use_direct_io of the
  // largest rank's bytes, alike on every rank).
  bool direct = false;
};

// The layout of a file of `variables` written by ranks.size() ranks on a `dims` grid, placed as
// the reference places it (rank by rank, variable by variable), with 4 KiB-aligned blocks when
// `direct`. For options.compress, `compressed_blocks` gives every rank's payload sizes and
// filters (rank-major, as the payloads of each rank came out of prepare_payloads; offsets are
// filled in); otherwise it is empty.
[[nodiscard]] Layout plan_layout(const WriteOptions& options, const std::array<std::uint64_t, 3>& dims,
                                 std::vector<Variable> variables, std::span<const RankFacts> ranks,
                                 std::span<const BlockExtent> compressed_blocks, bool direct);

// The extent (payload size and filter; no offset) of each of this rank's payloads, what the
// header records for a compressed write.
[[nodiscard]] std::vector<BlockExtent> payload_extents(std::span<const Payload> payloads);

// What a rank writes of the file at `path`: opens it without truncating (so no rank waits for
// another to create it), writes the header when given the whole layout (the file's rank 0: it
// sets the file to its final length, whatever was there before), then the rank's blocks as its
// `own` part places them (payload and trailer after trailer, each payload checksummed a chunk at
// a time right before that chunk is written, from the payloads' own memory; see
// io/chunked_io.hpp and, for `direct`, io/direct_writer.hpp), and closes it. Every byte below
// the file length is written by some rank.
void write_rank_part(const std::filesystem::path& path, const Header& own, bool direct, const Layout* whole,
                     std::span<const Payload> payloads);

}  // namespace soastore::genericio
