// genericio::inspect: the header facts of a file, from the headers alone.
#include "genericio/dataset.hpp"
#include "soastore/genericio.hpp"

namespace soastore::genericio {

FileInfo inspect(const std::filesystem::path& path) {
  const Dataset dataset = Dataset::open(path);
  const Header& layout = dataset.layout();
  FileInfo info;
  info.path = path;
  info.big_endian = layout.big_endian;
  info.dims = layout.dims;
  info.phys_origin = layout.phys_origin;
  info.phys_scale = layout.phys_scale;
  for (const Variable& variable : layout.variables) {
    info.variables.push_back({variable.name, element_dtype(variable), variable.components(), variable.flags});
  }
  for (std::size_t r = 0; r < dataset.ranks().size(); ++r) {
    const RankHeader& rank = dataset.rank_header(r);
    info.ranks.push_back({rank.coords, rank.rows, rank.global_rank, dataset.files()[dataset.ranks()[r].file].path});
    info.total_rows += rank.rows;
  }
  for (const SourceFile& file : dataset.files()) {
    info.block_headers = info.block_headers || file.header.block_headers;
    for (const BlockExtent& block : file.header.blocks) info.compressed_blocks += block.compressed ? 1 : 0;
    if (dataset.split()) info.subfiles.emplace_back(file.path);
  }
  return info;
}

}  // namespace soastore::genericio
