#include "genericio/soa_rules.hpp"

#include <string>

namespace soastore::genericio {

bool is_storable(DType dtype) noexcept {
  const char kind = dtype_info(dtype).kind;
  return kind == 'i' || kind == 'u' || dtype == DType::Float32 || dtype == DType::Float64;
}

void check_writable(const SoA& soa) {
  const std::string* first_name = nullptr;
  std::size_t rows = 0;
  for (const auto& [name, array] : soa) {
    if (name.empty() || name.size() > kMaxNameLength) {
      throw InvalidData("GenericIO field names need 1 to 256 bytes, '" + name + "' has " + std::to_string(name.size()));
    }
    if (array.ndim() != 1) {
      throw InvalidData("GenericIO needs 1-D arrays: field '" + name + "' is " + array.describe());
    }
    if (!is_storable(array.dtype())) {
      throw InvalidData("GenericIO cannot store dtype " + std::string(dtype_name(array.dtype())) + " of field '" +
                        name + "' (int8..int64, uint8..uint64, float32 and float64 only)");
    }
    if (first_name == nullptr) {
      first_name = &name;
      rows = array.size();
    } else if (array.size() != rows) {
      throw InvalidData("GenericIO needs arrays of one length: field '" + name + "' has " +
                        std::to_string(array.size()) + " rows, field '" + *first_name + "' has " + std::to_string(rows));
    }
  }
}

}  // namespace soastore::genericio
