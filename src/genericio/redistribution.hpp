#pragma once
// Which file ranks a reader rank gets when a GenericIO file is read on another number of ranks
// (the reference's MismatchRedistribute rule, kept exactly so results match pygio's).

#include <cstddef>
#include <vector>

namespace soastore::genericio {

// With q = file_ranks / readers and m = file_ranks % readers: if q >= 1, contiguous ranges in
// order, the first readers - m readers get q file ranks and the last m get q + 1; if q == 0, only
// the last m readers get one file rank each, in reverse order (reader r gets readers - 1 - r).
std::vector<std::size_t> redistributed_file_ranks(std::size_t file_ranks, std::size_t readers, std::size_t reader);

}  // namespace soastore::genericio
