#pragma once
// The data the workloads store: columns filled with pseudo-random values (so no layer can gain
// from zero pages or compressible bytes), touched before any timing starts.

#include <cstddef>

#include "soastore/soa.hpp"

namespace soastore::bench {

// A particle catalog of 8 columns (id int64; x, y, z, vx, vy, vz float32; mass float64:
// 40 bytes per row) with as many rows as fit in `bytes`.
[[nodiscard]] SoA make_catalog(std::size_t bytes, unsigned seed);
// The column get_field reads in the catalog workload: a float64, the largest share of a row
// (8 of 40 bytes), written last so that a format must find it rather than read from the start.
inline constexpr const char* kCatalogField = "mass";
inline constexpr std::size_t kCatalogColumns = 8;

// One merger-tree step: `fields` columns of `rows` values, cycling int64, float32, float64.
[[nodiscard]] SoA make_step(int fields, std::size_t rows, unsigned seed);
// Bytes of make_step's SoA, without making it.
[[nodiscard]] std::size_t step_nbytes(int fields, std::size_t rows);
// Name of field `index` in make_step's SoA.
[[nodiscard]] std::string step_field_name(int index);

}  // namespace soastore::bench
