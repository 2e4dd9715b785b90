#include "mpi/file_groups.hpp"

#include <stdexcept>

#include "mpi/mpi_error.hpp"
#include "mpi/owned_comm.hpp"

namespace soastore::mpi {

struct FileGroup::State {
  OwnedComm group;
  int index = 0;
  int count = 1;
  int rank = 0;
  int size = 1;

  State(MPI_Comm parent, GroupBy by, int ranks_per_group) {
    int parent_rank = 0;
    int parent_size = 0;
    check(MPI_Comm_rank(parent, &parent_rank), "MPI_Comm_rank");
    check(MPI_Comm_size(parent, &parent_size), "MPI_Comm_size");
    switch (by) {
      case GroupBy::All:
        check(MPI_Comm_dup(parent, &group.comm), "MPI_Comm_dup");
        break;
      case GroupBy::Consecutive:
        if (ranks_per_group < 1) throw std::invalid_argument("FileGroup: ranks_per_group must be positive");
        index = parent_rank / ranks_per_group;
        count = (parent_size + ranks_per_group - 1) / ranks_per_group;
        check(MPI_Comm_split(parent, index, parent_rank, &group.comm), "MPI_Comm_split");
        break;
      case GroupBy::Node: {
        check(MPI_Comm_split_type(parent, MPI_COMM_TYPE_SHARED, parent_rank, MPI_INFO_NULL, &group.comm),
              "MPI_Comm_split_type");
        int node_rank = 0;
        check(MPI_Comm_rank(group.comm, &node_rank), "MPI_Comm_rank");
        // A node's number: how many nodes have their lowest rank below this node's lowest rank.
        int leads[2] = {node_rank == 0 ? 1 : 0, 0};
        int before = 0;
        check(MPI_Exscan(&leads[0], &before, 1, MPI_INT, MPI_SUM, parent), "MPI_Exscan");
        if (parent_rank == 0) before = 0;  // MPI_Exscan leaves rank 0's result undefined
        check(MPI_Allreduce(&leads[0], &leads[1], 1, MPI_INT, MPI_SUM, parent), "MPI_Allreduce");
        count = leads[1];
        index = before;
        check(MPI_Bcast(&index, 1, MPI_INT, 0, group.comm), "MPI_Bcast");
        break;
      }
    }
    check(MPI_Comm_rank(group.comm, &rank), "MPI_Comm_rank");
    check(MPI_Comm_size(group.comm, &size), "MPI_Comm_size");
  }
};

FileGroup::FileGroup(MPI_Comm comm, GroupBy by, int ranks_per_group)
    : state_(std::make_shared<const State>(comm, by, ranks_per_group)) {}

MPI_Comm FileGroup::comm() const noexcept { return state_->group.comm; }
int FileGroup::index() const noexcept { return state_->index; }
int FileGroup::count() const noexcept { return state_->count; }
int FileGroup::rank() const noexcept { return state_->rank; }
int FileGroup::size() const noexcept { return state_->size; }

}  // namespace soastore::mpi
