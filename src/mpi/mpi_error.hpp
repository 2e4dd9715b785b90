#pragma once
// Turns an MPI return code into soastore::Error. MPI's default handler aborts on error, so these
// fire only for communicators whose handler returns codes; the check keeps the code honest.

#include <mpi.h>

#include <string>

#include "soastore/errors.hpp"

namespace soastore::mpi {

inline void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

}  // namespace soastore::mpi
