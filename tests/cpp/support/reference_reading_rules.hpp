#pragma once
// A reader written from the GenericIO format description alone (/work/shared/docs/
// genericio-format.md, §2 layout, §2.7 plain blocks, §5 trailers, §7 split files), sharing no code
// with src/: what the reference and pygio find in a file we wrote. It probes `path` as a rank map
// first (a 1-rank file with an int32 variable "$partition"); for a split file it opens
// "path#P" of world rank `rank`'s partition P and finds the rank header whose GlobalRank is
// `rank`. Then it reads that rank's blocks at their Start (block headers when BlocksSize > 0,
// otherwise consecutive from the rank header's Start), checks every CRC, and returns each
// variable's payload bytes and offset by name. Little-endian files only. Fails the test (ADD_FAILURE) and
// returns what it could on anything that does not follow the rules.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace soastore::testing {

struct ReferenceRead {
  struct Block {
    std::uint64_t start = 0;  // file offset of the payload
    std::vector<std::byte> payload;
  };
  bool split = false;              // read through a rank map
  std::filesystem::path data_file;  // the file holding the rank's blocks
  std::uint64_t nranks = 0;         // NRanks of data_file
  std::uint64_t blocks_size = 0;    // BlocksSize of data_file: 48 with block headers, else 0
  std::uint64_t rank_start = 0;     // the rank header's Start
  std::map<std::string, Block> variables;
};

[[nodiscard]] ReferenceRead read_by_reference_rules(const std::filesystem::path& path, std::uint64_t rank);

}  // namespace soastore::testing
