#pragma once
// The serial GenericIO reader: what one rank does to read its rows of an opened file, with no
// MPI. Which file ranks a reader rank gets is decided by the MPI layer (src/mpi/genericio_read.cpp)
// with the rules here: the same rank count and grid (check_rank_count, check_rank_grid), or the
// reference's redistribution (genericio/redistribution.hpp). Everything here takes what it needs
// as arguments, so a background thread can call it too.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "genericio/dataset.hpp"
#include "soastore/io_mode.hpp"
#include "soastore/soa.hpp"

namespace soastore::genericio {

// LayoutMismatch naming the file unless it was written by `ranks` ranks.
void check_rank_count(const Dataset& dataset, std::size_t ranks);
// LayoutMismatch naming the file unless it was written on a `dims` rank grid (for a reader whose
// communicator is Cartesian).
void check_rank_grid(const Dataset& dataset, const std::array<std::uint64_t, 3>& dims);

// Indices of the variables `names` (all when not given, in file order; of variables named alike
// the first). KeyNotFound for a name the file lacks, InvalidData for a name asked twice.
[[nodiscard]] std::vector<std::size_t> variables_to_read(const Dataset& dataset,
                                                         const std::optional<std::vector<std::string>>& names);

// The rows of `file_ranks` (in that order, back to back) of each of `variables`: reads only those
// blocks, each straight into its output, and checks every CRC it reads (CorruptFile naming file,
// variable and file rank). `io` applies per (sub-)file to the bytes read from it.
[[nodiscard]] SoA read_rank_blocks(Dataset& dataset, std::span<const std::size_t> file_ranks,
                                   std::span<const std::size_t> variables, IoMode io = IoMode::Buffered);

}  // namespace soastore::genericio
