#include "genericio/soa_rules.hpp"

#include <string>

namespace soastore::genericio {
namespace {

void check(const SoA& soa, bool components_allowed) {
  const std::string* first_name = nullptr;
  std::size_t rows = 0;
  for (const auto& [name, array] : soa) {
    if (name.empty() || name.size() > kMaxNameLength) {
      throw InvalidData("GenericIO field names need 1 to 256 bytes, '" + name + "' has " + std::to_string(name.size()));
    }
    const bool shape_ok = array.ndim() == 1 || (components_allowed && array.ndim() == 2 && array.shape()[1] > 0);
    if (!shape_ok) {
      throw InvalidData(std::string("GenericIO needs ") + (components_allowed ? "1-D or (rows, k) arrays" : "1-D arrays") +
                        ": field '" + name + "' is " + array.describe());
    }
    if (!is_storable(array.dtype())) {
      throw InvalidData("GenericIO cannot store dtype " + std::string(dtype_name(array.dtype())) + " of field '" +
                        name + "' (int8..int64, uint8..uint64, float32 and float64 only)");
    }
    if (first_name == nullptr) {
      first_name = &name;
      rows = rows_of(array);
    } else if (rows_of(array) != rows) {
      throw InvalidData("GenericIO needs arrays of one length: field '" + name + "' has " +
                        std::to_string(rows_of(array)) + " rows, field '" + *first_name + "' has " +
                        std::to_string(rows));
    }
  }
}

}  // namespace

bool is_storable(DType dtype) noexcept {
  const char kind = dtype_info(dtype).kind;
  return kind == 'i' || kind == 'u' || dtype == DType::Float32 || dtype == DType::Float64;
}

std::size_t rows_of(const Array& array) noexcept { return array.ndim() == 0 ? 1 : array.shape()[0]; }

std::size_t components_of(const Array& array) noexcept { return array.ndim() == 2 ? array.shape()[1] : 1; }

void check_writable(const SoA& soa) { check(soa, false); }

void check_writable_variables(const SoA& soa) { check(soa, true); }

}  // namespace soastore::genericio
