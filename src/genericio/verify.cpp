// genericio::verify: every CRC of a file set, block by block, collecting problems.
#include "genericio/block_reader.hpp"
#include "genericio/dataset.hpp"
#include "soastore/array.hpp"
#include "soastore/errors.hpp"
#include "soastore/genericio.hpp"

namespace soastore::genericio {
namespace {

void verify_file(SourceFile& file, VerifyReport& report) {
  report.checked.push_back(file.path);
  const Header& header = file.header;
  for (std::size_t r = 0; r < header.ranks.size(); ++r) {
    for (std::size_t v = 0; v < header.variables.size(); ++v) {
      ++report.blocks;
      try {
        // Sizes were checked against the file (raw) or the blosc limit (compressed) on open.
        Array scratch = Array::allocate(DType::UInt8, {header.ranks[r].rows * header.variables[v].size});
        const BlockRead read{r, v, scratch.bytes()};
        read_blocks(file, {&read, 1});
      } catch (const Error& e) {
        report.problems.emplace_back(e.what());
      }
    }
  }
}

}  // namespace

VerifyReport verify(const std::filesystem::path& path) {
  VerifyReport report;
  try {
    Dataset dataset = Dataset::open(path);
    if (dataset.split()) report.checked.push_back(dataset.rank_map()->path);  // its data were checked on open
    for (SourceFile& file : dataset.files()) verify_file(file, report);
  } catch (const Error& e) {
    report.problems.emplace_back(e.what());
  }
  return report;
}

}  // namespace soastore::genericio
