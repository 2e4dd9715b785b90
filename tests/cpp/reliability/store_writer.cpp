// A small program the process tests start: it writes through real stores and is then killed or
// left to finish, so that what a store leaves behind can be checked from outside.
//   store_writer loop PREFIX      sets keys forever with both stores (to be killed with SIGKILL)
//   store_writer background PREFIX  the same with the background option (to be killed with
//                                 SIGKILL while the writer threads write)
//   store_writer finalize PREFIX  sets keys, calls MPI_Finalize, then lets the stores go out of
//                                 scope: destruction must neither hang nor touch MPI, and must
//                                 still delete the files
#include <mpi.h>

#include <cstdio>
#include <string>
#include <vector>

#include "soastore/soastore.hpp"

using namespace soastore;

namespace {

SoA rows_of(std::size_t rows) {
  SoA soa;
  soa["a"] = Array::from(std::vector<double>(rows, 1.5));
  soa["b"] = Array::from(std::vector<std::int64_t>(rows, 7));
  return soa;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: store_writer loop|finalize PREFIX\n");
    return 2;
  }
  const std::string mode = argv[1];
  const std::string prefix = argv[2];
  MPI_Init(&argc, &argv);
  {
    Partition partition(MPI_COMM_WORLD);
    const StoreOptions options{.background = mode == "background"};
    GenericIOStore genericio(partition, 1.0, prefix, options);
    NumpyStore numpy(partition, prefix, options);
    genericio.set("done", rows_of(10));
    numpy.set("done", rows_of(10));
    if (mode == "loop" || mode == "background") {
      std::puts("writing");
      std::fflush(stdout);
      const SoA big = rows_of(4u << 20);  // 64 MiB per set: long enough to be killed mid-write
      for (int i = 0;; ++i) {
        genericio.set("big", big);
        numpy.set("big", big);
        if (mode == "background" && i % 2 == 1) {
          genericio.flush();  // renames the finished .partial: final files appear while later ones are written
          numpy.flush();
        }
      }
    }
    MPI_Finalize();
  }
  return 0;
}
