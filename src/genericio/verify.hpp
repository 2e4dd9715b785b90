#pragma once
// Checks a whole GenericIO file set serially: every header CRC and every block CRC (and the CRC
// of every decompressed block) of every sub-file. Behind `soastore verify`.

#include <filesystem>
#include <string>
#include <vector>

namespace soastore::genericio {

struct VerifyReport {
  std::vector<std::string> checked;   // files whose headers were read
  std::vector<std::string> problems;  // one message per bad header or block; empty when sound
  std::size_t blocks = 0;             // data blocks checked
};

// Never throws for a bad file: what is wrong goes into `problems` (a file that cannot be opened
// at all is one problem). Reads block by block, so memory stays at one block.
VerifyReport verify(const std::filesystem::path& path);

}  // namespace soastore::genericio
