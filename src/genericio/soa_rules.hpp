#pragma once
// What a GenericIO file can hold, checked before anything is written (and by GenericIOStore in
// memory mode too, so turning a path on or off never changes what a store accepts).

#include "soastore/soa.hpp"

namespace soastore::genericio {

// Longest variable name the format's 256-byte name field holds.
inline constexpr std::size_t kMaxNameLength = 256;

// Throws InvalidData naming the field and the reason unless `soa` holds only 1-D arrays of one
// length, of dtypes GenericIO stores (int8..int64, uint8..uint64, float32, float64), with names
// of 1 to 256 bytes.
void check_writable(const SoA& soa);

// What genericio::write takes: the same, except that an array may also be 2-D (rows, k), a
// variable of k elements per row (HACC's float[3]), as the format allows.
void check_writable_variables(const SoA& soa);

// Whether GenericIO stores this element type (its flags can say float/signed and a size).
[[nodiscard]] bool is_storable(DType dtype) noexcept;

// Rows of an array as GenericIO counts them (the first extent) and elements per row.
[[nodiscard]] std::size_t rows_of(const Array& array) noexcept;
[[nodiscard]] std::size_t components_of(const Array& array) noexcept;

}  // namespace soastore::genericio
