#include "npz/npy_layout.hpp"

#include <algorithm>
#include <cstring>

namespace soastore::npz {

void swap_byte_order(Array& array) {
  const DTypeInfo& info = dtype_info(array.dtype());
  // A complex number is two floats, each in the file's byte order.
  const std::size_t scalar = info.kind == 'c' ? info.size / 2 : info.size;
  if (scalar == 1) return;
  std::byte* bytes = array.bytes().data();
  const std::size_t total = array.nbytes();
  for (std::size_t offset = 0; offset < total; offset += scalar) std::reverse(bytes + offset, bytes + offset + scalar);
}

Array fortran_to_c_order(const Array& fortran) {
  Array c_order = Array::allocate(fortran.dtype(), fortran.shape());
  const std::size_t count = fortran.size();
  if (count == 0) return c_order;
  const Shape& shape = fortran.shape();
  const std::size_t ndim = shape.size();
  const std::size_t item = fortran.itemsize();
  // Element strides of the Fortran layout: the first index varies fastest.
  std::vector<std::size_t> stride(ndim, 1);
  for (std::size_t d = 1; d < ndim; ++d) stride[d] = stride[d - 1] * shape[d - 1];
  // Walk the C order with an odometer over the index, tracking the Fortran offset alongside.
  std::vector<std::size_t> index(ndim, 0);
  const auto* source = static_cast<const std::byte*>(fortran.data());
  auto* target = static_cast<std::byte*>(c_order.data());
  std::size_t source_element = 0;
  for (std::size_t element = 0; element < count; ++element) {
    std::memcpy(target + element * item, source + source_element * item, item);
    for (std::size_t d = ndim; d-- > 0;) {
      if (++index[d] < shape[d]) {
        source_element += stride[d];
        break;
      }
      source_element -= stride[d] * (shape[d] - 1);
      index[d] = 0;
    }
  }
  return c_order;
}

}  // namespace soastore::npz
