// libFuzzer target: the GenericIO header decoder and block reader (raw and BLOSC blocks, CRCs,
// byte order), through decode_header on the bytes and genericio::inspect / verify / read on them
// as a file. The first input byte chooses whether the header CRC and the block CRCs are
// recomputed before parsing, so mutations get past the checksums to the checks behind them.
#include <mpi.h>

#include <cstring>
#include <vector>

#include "genericio/crc_trailer.hpp"
#include "genericio/header.hpp"
#include "memory_file.hpp"
#include "soastore/errors.hpp"
#include "soastore/genericio_mpi.hpp"

using namespace soastore;

namespace {

constexpr std::uint8_t kResealHeader = 1;
constexpr std::uint8_t kResealBlocks = 2;

void reseal_header(std::vector<std::byte>& bytes) {
  if (bytes.size() < 16) return;
  const std::uint64_t header_size = genericio::load_u64(bytes.data() + 8, false);
  if (header_size > bytes.size() || bytes.size() - header_size < genericio::kTrailerSize) return;
  const auto trailer = genericio::trailer_of({bytes.data(), header_size});
  std::memcpy(bytes.data() + header_size, trailer.data(), trailer.size());
}

void reseal_blocks(std::vector<std::byte>& bytes) {
  try {
    const std::uint64_t length = genericio::stored_header_length(
        std::span(bytes).first(std::min(bytes.size(), genericio::kProbeSize)), bytes.size(), "fuzz");
    const genericio::Header header = genericio::decode_header(std::span(bytes).first(length), bytes.size(), "fuzz");
    for (const genericio::BlockExtent& block : header.blocks) {
      if (block.offset > bytes.size() || bytes.size() - block.offset < block.size + genericio::kTrailerSize) continue;
      const auto trailer = genericio::trailer_of({bytes.data() + block.offset, block.size});
      std::memcpy(bytes.data() + block.offset + block.size, trailer.data(), trailer.size());
    }
  } catch (const Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  MPI_Init(argc, argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  std::vector<std::byte> bytes(reinterpret_cast<const std::byte*>(data + 1), reinterpret_cast<const std::byte*>(data + size));
  if (mode & kResealHeader) reseal_header(bytes);
  if (mode & kResealBlocks) reseal_blocks(bytes);

  static fuzz::MemoryFile file;
  const std::string& path = file.hold(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  try {
    (void)genericio::inspect(path);
  } catch (const Error&) {
  }
  (void)genericio::verify(path);  // never throws for a bad file
  try {
    (void)genericio::read(MPI_COMM_SELF, path, std::nullopt, genericio::Mismatch::Redistribute);
  } catch (const Error&) {
  }
  return 0;
}
