// libFuzzer target: the .npy header parser (magic, version, length, the Python dict literal,
// dtype strings, shapes and their overflow checks), on the input bytes directly.
#include "npz/npy_header.hpp"
#include "soastore/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)soastore::npz::parse_npy_header({reinterpret_cast<const std::byte*>(data), size}, "fuzz", "member");
  } catch (const soastore::Error&) {
  }
  return 0;
}
