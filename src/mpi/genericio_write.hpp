#pragma once
// genericio::write in two parts, for writers that run the data transfer elsewhere (the stores'
// background writes): plan_write is the collective part (every check, the exchange of rows,
// coordinates and block sizes, the error agreement, the layout), write_planned the serial rest
// (this rank's header and blocks, no MPI call), which may run on any thread.

#include <mpi.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <vector>

#include "genericio/writer.hpp"
#include "soastore/genericio.hpp"
#include "soastore/soa.hpp"

namespace soastore::genericio {

// Everything one rank needs to write its part of a planned file. Holds handles to the caller's
// arrays (no copy; compressed blocks are copies), so the payloads stay valid for its lifetime.
struct PlannedWrite {
  SoA soa;
  std::filesystem::path path;
  Layout layout;
  std::size_t rank = 0;
  std::vector<Payload> payloads;  // point into `soa`
};

// Collective over `comm`: checks and plans the write of `soa` to `path`. Either every rank
// returns a plan or every rank throws the same error class; no file is touched yet.
[[nodiscard]] std::unique_ptr<const PlannedWrite> plan_write(MPI_Comm comm, const std::filesystem::path& path,
                                                             const SoA& soa, const WriteOptions& options);

// This rank's part of a planned file (header on rank 0, then its blocks). No MPI call: another
// thread may run it. Throws this rank's error; agreeing on it is the caller's business.
void write_planned(const PlannedWrite& plan);

// genericio::write, returning this rank's own part of the file's layout (own_part in
// genericio/writer.hpp), with which the writer reads its blocks back without the header.
[[nodiscard]] Header write_keeping_own_part(MPI_Comm comm, const std::filesystem::path& path, const SoA& soa,
                                            const WriteOptions& options);

}  // namespace soastore::genericio
