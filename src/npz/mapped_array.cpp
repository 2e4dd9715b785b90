#include "npz/mapped_array.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include "io/counters.hpp"

namespace soastore::npz {

bool mappable_offset(std::uint64_t offset) noexcept {
  static const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  return offset % page == 0;
}

std::optional<Array> map_array(const io::File& file, std::uint64_t offset, DType dtype, const Shape& shape) {
  const std::size_t nbytes = shape_element_count(shape) * dtype_size(dtype);
  if (nbytes == 0 || !mappable_offset(offset)) return std::nullopt;
  void* address = mmap(nullptr, nbytes, PROT_READ | PROT_WRITE, MAP_PRIVATE, file.descriptor(), static_cast<off_t>(offset));
  // The caller reads the member instead: mapping is an optimisation, never a requirement.
  if (address == MAP_FAILED) return std::nullopt;
  io::count(io::counters().bytes_mapped, nbytes);
  std::shared_ptr<void> mapping(address, [nbytes](void* region) { munmap(region, nbytes); });
  return Array::wrap(dtype, shape, address, std::move(mapping));
}

}  // namespace soastore::npz
