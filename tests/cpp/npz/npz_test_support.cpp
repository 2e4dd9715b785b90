#include "npz/npz_test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace soastore::testing {

Array pseudo_random_array(DType dtype, const Shape& shape, std::uint64_t seed) {
  Array array = Array::allocate(dtype, shape);
  std::uint64_t state = seed * 0x9e3779b97f4a7c15ull + 1;
  for (std::byte& b : array.bytes()) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    b = static_cast<std::byte>(dtype == DType::Bool ? (state >> 11) & 1 : state >> 24);
  }
  return array;
}

SoA every_dtype_and_shape() {
  const std::vector<std::pair<std::string, Shape>> shapes{
      {"scalar", {}}, {"empty", {0}}, {"empty3d", {3, 0, 2}}, {"vector", {7}}, {"cube", {2, 3, 4}}};
  SoA soa;
  std::uint64_t seed = 0;
  for (int d = 0; d <= static_cast<int>(DType::Complex128); ++d) {
    const auto dtype = static_cast<DType>(d);
    for (const auto& [kind, shape] : shapes) {
      soa.insert(std::string(dtype_name(dtype)) + "_" + kind, pseudo_random_array(dtype, shape, ++seed));
    }
  }
  return soa;
}

void write_expected(const std::filesystem::path& directory, const SoA& soa) {
  std::filesystem::create_directories(directory);
  std::ofstream manifest(directory / "manifest.txt");
  for (const auto& [name, array] : soa) {
    manifest << name << ' ' << dtype_name(array.dtype());
    for (std::size_t extent : array.shape()) manifest << ' ' << extent;
    manifest << '\n';
    std::ofstream data(directory / (name + ".bin"), std::ios::binary);
    data.write(reinterpret_cast<const char*>(array.data()), static_cast<std::streamsize>(array.nbytes()));
  }
}

SoA read_expected(const std::filesystem::path& directory) {
  std::ifstream manifest(directory / "manifest.txt");
  SoA soa;
  std::string line;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string name;
    std::string dtype;
    fields >> name >> dtype;
    Shape shape;
    for (std::size_t extent = 0; fields >> extent;) shape.push_back(extent);
    Array array = Array::allocate(*dtype_from_name(dtype), shape);
    std::ifstream data(directory / (name + ".bin"), std::ios::binary);
    data.read(reinterpret_cast<char*>(array.data()), static_cast<std::streamsize>(array.nbytes()));
    soa.insert(name, array);
  }
  return soa;
}

int run_numpy_oracle(const std::string& arguments) {
  const std::string command = "/usr/bin/python3 " SOASTORE_NPZ_ORACLE " " + arguments;
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::byte> read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::byte> bytes(std::filesystem::file_size(path));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

void write_file_bytes(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace soastore::testing
