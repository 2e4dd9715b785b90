#include "genericio/redistribution.hpp"

namespace soastore::genericio {

std::vector<std::size_t> redistributed_file_ranks(std::size_t file_ranks, std::size_t readers, std::size_t reader) {
  const std::size_t q = file_ranks / readers;
  const std::size_t m = file_ranks % readers;
  std::vector<std::size_t> result;
  if (q == 0) {
    if (reader >= readers - m) result.push_back(readers - 1 - reader);
    return result;
  }
  const std::size_t small = readers - m;  // readers that get q file ranks
  const std::size_t first = reader < small ? reader * q : small * q + (reader - small) * (q + 1);
  const std::size_t count = reader < small ? q : q + 1;
  for (std::size_t i = 0; i < count; ++i) result.push_back(first + i);
  return result;
}

}  // namespace soastore::genericio
