#pragma once
// Reading back what this rank wrote, for the stores: no header, one collective round.

#include <mpi.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "genericio/dataset.hpp"
#include "soastore/io_mode.hpp"
#include "soastore/soa.hpp"

namespace soastore::genericio {

// The variables `names` (all when not given) of this rank's own blocks, from the dataset
// `own_part` opens (Dataset::of_own_part, or a cached one), CRC-checked; every rank calls it for
// the same file. The outcome is agreed in one round: a failure on any rank (a flipped byte, a
// cut-off file, a missing variable) is thrown on every rank, a CorruptFile naming the rank that
// saw it, as genericio::read does.
[[nodiscard]] SoA read_own_part(MPI_Comm comm, const std::function<Dataset&()>& own_part,
                                const std::optional<std::vector<std::string>>& names, IoMode io);

}  // namespace soastore::genericio
