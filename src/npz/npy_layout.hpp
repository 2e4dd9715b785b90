#pragma once
// Turns array data as a .npy file may hold them (foreign byte order, Fortran order) into the
// native, C-ordered layout of soastore::Array.

#include "soastore/array.hpp"

namespace soastore::npz {

// Reverses the bytes of every scalar in place (each half of a complex number on its own).
void swap_byte_order(Array& array);

// The C-ordered copy of `fortran`, whose bytes hold the same shape in Fortran (column-major) order.
Array fortran_to_c_order(const Array& fortran);

}  // namespace soastore::npz
