#include "support/mpi_call_counter.hpp"

#include <mpi.h>

#include <atomic>
#include <numeric>

namespace {

// Atomic: only callers' threads call MPI today, but a count that a second thread bumps must stay
// defined (ThreadSanitizer runs test_background, which links this).
struct AtomicCounts {
  std::atomic<std::uint64_t> collective_calls{0};
  std::atomic<std::uint64_t> collective_bytes_sent{0};
  std::atomic<std::uint64_t> collective_bytes_received{0};
  std::atomic<std::uint64_t> messages_sent{0};
  std::atomic<std::uint64_t> message_bytes_sent{0};
  std::atomic<std::uint64_t> messages_received{0};
};
AtomicCounts counts;

std::uint64_t bytes(int count, MPI_Datatype type) {
  int size = 0;
  PMPI_Type_size(type, &size);
  return static_cast<std::uint64_t>(count) * static_cast<std::uint64_t>(size);
}

int ranks(MPI_Comm comm) {
  int size = 1;
  PMPI_Comm_size(comm, &size);
  return size;
}

bool is_root(int root, MPI_Comm comm) {
  int rank = 0;
  PMPI_Comm_rank(comm, &rank);
  return rank == root;
}

void collective(std::uint64_t sent, std::uint64_t received) {
  ++counts.collective_calls;
  counts.collective_bytes_sent += sent;
  counts.collective_bytes_received += received;
}

// The bytes of a v-collective's receive buffer: the sum of its counts.
std::uint64_t bytes(const int counts_per_rank[], MPI_Datatype type, MPI_Comm comm) {
  return bytes(std::accumulate(counts_per_rank, counts_per_rank + ranks(comm), 0), type);
}

}  // namespace

namespace soastore::testing {

MpiCounts mpi_counts() noexcept {
  return {.collective_calls = counts.collective_calls.load(),
          .collective_bytes_sent = counts.collective_bytes_sent.load(),
          .collective_bytes_received = counts.collective_bytes_received.load(),
          .messages_sent = counts.messages_sent.load(),
          .message_bytes_sent = counts.message_bytes_sent.load(),
          .messages_received = counts.messages_received.load()};
}

MpiCounts operator-(const MpiCounts& after, const MpiCounts& before) noexcept {
  return {.collective_calls = after.collective_calls - before.collective_calls,
          .collective_bytes_sent = after.collective_bytes_sent - before.collective_bytes_sent,
          .collective_bytes_received = after.collective_bytes_received - before.collective_bytes_received,
          .messages_sent = after.messages_sent - before.messages_sent,
          .message_bytes_sent = after.message_bytes_sent - before.message_bytes_sent,
          .messages_received = after.messages_received - before.messages_received};
}

}  // namespace soastore::testing

extern "C" {

// Reductions and scans: every rank hands over and gets back `count` elements (MPI_IN_PLACE
// included: the buffer is sent and overwritten).
int MPI_Allreduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  collective(bytes(count, datatype), bytes(count, datatype));
  return PMPI_Allreduce(sendbuf, recvbuf, count, datatype, op, comm);
}

int MPI_Iallreduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                   MPI_Request* request) {
  collective(bytes(count, datatype), bytes(count, datatype));
  return PMPI_Iallreduce(sendbuf, recvbuf, count, datatype, op, comm, request);
}

int MPI_Reduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root,
               MPI_Comm comm) {
  collective(bytes(count, datatype), is_root(root, comm) ? bytes(count, datatype) : 0);
  return PMPI_Reduce(sendbuf, recvbuf, count, datatype, op, root, comm);
}

int MPI_Scan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  collective(bytes(count, datatype), bytes(count, datatype));
  return PMPI_Scan(sendbuf, recvbuf, count, datatype, op, comm);
}

int MPI_Exscan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  collective(bytes(count, datatype), bytes(count, datatype));
  return PMPI_Exscan(sendbuf, recvbuf, count, datatype, op, comm);
}

// Broadcasts: the root sends, every other rank receives.
int MPI_Bcast(void* buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm) {
  const bool root_rank = is_root(root, comm);
  collective(root_rank ? bytes(count, datatype) : 0, root_rank ? 0 : bytes(count, datatype));
  return PMPI_Bcast(buffer, count, datatype, root, comm);
}

int MPI_Ibcast(void* buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm, MPI_Request* request) {
  const bool root_rank = is_root(root, comm);
  collective(root_rank ? bytes(count, datatype) : 0, root_rank ? 0 : bytes(count, datatype));
  return PMPI_Ibcast(buffer, count, datatype, root, comm, request);
}

// Gathers: every rank sends its part; the receivers (all ranks, or the root) get every part.
int MPI_Allgather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
                  MPI_Datatype recvtype, MPI_Comm comm) {
  const std::uint64_t part = sendbuf == MPI_IN_PLACE ? bytes(recvcount, recvtype) : bytes(sendcount, sendtype);
  collective(part, bytes(recvcount, recvtype) * static_cast<std::uint64_t>(ranks(comm)));
  return PMPI_Allgather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
}

int MPI_Allgatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, const int recvcounts[],
                   const int displs[], MPI_Datatype recvtype, MPI_Comm comm) {
  int rank = 0;
  PMPI_Comm_rank(comm, &rank);
  const std::uint64_t part = sendbuf == MPI_IN_PLACE ? bytes(recvcounts[rank], recvtype) : bytes(sendcount, sendtype);
  collective(part, bytes(recvcounts, recvtype, comm));
  return PMPI_Allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, comm);
}

int MPI_Gather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
               MPI_Datatype recvtype, int root, MPI_Comm comm) {
  const bool root_rank = is_root(root, comm);
  collective(bytes(sendcount, sendtype),
             root_rank ? bytes(recvcount, recvtype) * static_cast<std::uint64_t>(ranks(comm)) : 0);
  return PMPI_Gather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm);
}

int MPI_Gatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, const int recvcounts[],
                const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm) {
  const bool root_rank = is_root(root, comm);
  collective(bytes(sendcount, sendtype), root_rank ? bytes(recvcounts, recvtype, comm) : 0);
  return PMPI_Gatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, root, comm);
}

int MPI_Barrier(MPI_Comm comm) {
  collective(0, 0);
  return PMPI_Barrier(comm);
}

int MPI_Ibarrier(MPI_Comm comm, MPI_Request* request) {
  collective(0, 0);
  return PMPI_Ibarrier(comm, request);
}

// Communicator creation is collective (MPI exchanges the colours and keys internally); counted
// as a call without bytes of ours.
int MPI_Comm_split_type(MPI_Comm comm, int split_type, int key, MPI_Info info, MPI_Comm* newcomm) {
  collective(0, 0);
  return PMPI_Comm_split_type(comm, split_type, key, info, newcomm);
}

int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm* newcomm) {
  collective(0, 0);
  return PMPI_Comm_split(comm, color, key, newcomm);
}

int MPI_Comm_dup(MPI_Comm comm, MPI_Comm* newcomm) {
  collective(0, 0);
  return PMPI_Comm_dup(comm, newcomm);
}

int MPI_Cart_create(MPI_Comm comm_old, int ndims, const int dims[], const int periods[], int reorder,
                    MPI_Comm* comm_cart) {
  collective(0, 0);
  return PMPI_Cart_create(comm_old, ndims, dims, periods, reorder, comm_cart);
}

// Point to point.
int MPI_Send(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm) {
  ++counts.messages_sent;
  counts.message_bytes_sent += bytes(count, datatype);
  return PMPI_Send(buf, count, datatype, dest, tag, comm);
}

int MPI_Isend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
              MPI_Request* request) {
  ++counts.messages_sent;
  counts.message_bytes_sent += bytes(count, datatype);
  return PMPI_Isend(buf, count, datatype, dest, tag, comm, request);
}

int MPI_Recv(void* buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Status* status) {
  ++counts.messages_received;
  return PMPI_Recv(buf, count, datatype, source, tag, comm, status);
}

int MPI_Irecv(void* buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Request* request) {
  ++counts.messages_received;
  return PMPI_Irecv(buf, count, datatype, source, tag, comm, request);
}

}  // extern "C"
