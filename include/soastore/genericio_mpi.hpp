#pragma once
// The collective GenericIO write and read (namespace soastore::genericio): every rank of an MPI
// communicator takes part, each with its own rows. The options and the serial API (inspect,
// verify) are in soastore/genericio.hpp, included here; the format is described in
// docs/genericio.md.

#include <mpi.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "soastore/genericio.hpp"
#include "soastore/soa.hpp"

namespace soastore::genericio {

// Collective over `comm`: every rank contributes its own rows of the same variables (same names,
// order and dtypes; row counts may differ, 0 included). Dims and coordinates come from `comm`
// when it is Cartesian, else (nranks,1,1) and (rank,0,0), as the reference does. Either every
// rank returns or every rank throws the same error class. With options.partition, a split file
// when the partitions differ (rank map plus "path#P" sub-files).
void write(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa, const WriteOptions& options = {});

// Collective over `comm`: this rank's rows of `variables` (all when not given, in file order).
// Reads only the bytes of the asked variables and checks every CRC it reads.
SoA read(MPI_Comm comm, const std::filesystem::path& path, const std::optional<std::vector<std::string>>& variables,
         const ReadOptions& options);
// The same with ReadOptions{mismatch} (buffered I/O).
SoA read(MPI_Comm comm, const std::filesystem::path& path,
         const std::optional<std::vector<std::string>>& variables = std::nullopt,
         Mismatch mismatch = Mismatch::Disallowed);

}  // namespace soastore::genericio
