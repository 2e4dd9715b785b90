#include "genericio/reader.hpp"

#include <algorithm>
#include <map>

#include "genericio/block_reader.hpp"
#include "soastore/errors.hpp"

namespace soastore::genericio {
namespace {

std::string dims_text(const std::array<std::uint64_t, 3>& dims) {
  return std::to_string(dims[0]) + "x" + std::to_string(dims[1]) + "x" + std::to_string(dims[2]);
}

}  // namespace

void check_rank_count(const Dataset& dataset, std::size_t ranks) {
  const std::size_t file_ranks = dataset.ranks().size();
  if (file_ranks != ranks) {
    throw LayoutMismatch("won't read GenericIO file '" + dataset.path().string() + "': it was written by " +
                         std::to_string(file_ranks) + " ranks, the communicator has " + std::to_string(ranks));
  }
}

void check_rank_grid(const Dataset& dataset, const std::array<std::uint64_t, 3>& dims) {
  if (dims != dataset.layout().dims) {
    throw LayoutMismatch("won't read GenericIO file '" + dataset.path().string() + "': it was written on a " +
                         dims_text(dataset.layout().dims) + " rank grid, the communicator is " + dims_text(dims));
  }
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

SoA read_rank_blocks(Dataset& dataset, std::span<const std::size_t> file_ranks, std::span<const std::size_t> variables,
                     IoMode io) {
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
  for (auto& [file, reads] : reads_per_file) read_blocks(dataset.files()[file], reads, io);
  return result;
}

}  // namespace soastore::genericio
