// libFuzzer target: the npz reader (zip end records, ZIP64, central directory, local headers,
// stored and deflated members, npy headers, CRC-32), through npz::load on the input as a file,
// read and mapped. The first input byte chooses mapping, so both paths see every archive.
#include "memory_file.hpp"
#include "soastore/errors.hpp"
#include "soastore/npz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static soastore::fuzz::MemoryFile file;
  const std::string& path = file.hold(data + 1, size - 1);
  soastore::npz::LoadOptions options;
  options.map = (data[0] & 1) != 0;
  try {
    const soastore::SoA soa = soastore::npz::load(path, std::nullopt, options);
    // Touch every byte, so a mapping that outruns the file would show.
    std::uint8_t sum = 0;
    for (const auto& [name, array] : soa) {
      for (const std::byte b : array.bytes()) sum = static_cast<std::uint8_t>(sum + static_cast<std::uint8_t>(b));
    }
    volatile std::uint8_t sink = sum;
    (void)sink;
  } catch (const soastore::Error&) {
  }
  return 0;
}
