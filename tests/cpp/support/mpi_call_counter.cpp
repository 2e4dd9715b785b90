#include "support/mpi_call_counter.hpp"

#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <vector>

namespace {

// Atomic: only callers' threads call MPI today, but a count that a second thread bumps must stay
// defined (ThreadSanitizer runs test_background, which links this).
struct AtomicCounts {
  std::atomic<std::uint64_t> collective_calls{0};
  std::atomic<std::uint64_t> collective_rounds{0};
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

void blocking_collective(std::uint64_t sent, std::uint64_t received) {
  collective(sent, received);
  ++counts.collective_rounds;
}

// The nonblocking collectives in flight (their requests), for the rounds.
std::mutex in_flight_mutex;
std::vector<MPI_Request> in_flight;

void nonblocking_collective(std::uint64_t sent, std::uint64_t received, MPI_Request request) {
  collective(sent, received);
  const std::lock_guard lock(in_flight_mutex);
  if (in_flight.empty()) ++counts.collective_rounds;
  in_flight.push_back(request);
}

// Requests that completed (MPI sets them to MPI_REQUEST_NULL, so the handles are kept before).
void completed(const std::vector<MPI_Request>& requests) {
  const std::lock_guard lock(in_flight_mutex);
  for (const MPI_Request request : requests) {
    const auto found = std::find(in_flight.begin(), in_flight.end(), request);
    if (found != in_flight.end()) in_flight.erase(found);
  }
}

// The bytes of a v-collective's receive buffer: the sum of its counts.
std::uint64_t bytes(const int counts_per_rank[], MPI_Datatype type, MPI_Comm comm) {
  return bytes(std::accumulate(counts_per_rank, counts_per_rank + ranks(comm), 0), type);
}

}  // namespace

namespace soastore::testing {

MpiCounts mpi_counts() noexcept {
  return {.collective_calls = counts.collective_calls.load(),
          .collective_rounds = counts.collective_rounds.load(),
          .collective_bytes_sent = counts.collective_bytes_sent.load(),
          .collective_bytes_received = counts.collective_bytes_received.load(),
          .messages_sent = counts.messages_sent.load(),
          .message_bytes_sent = counts.message_bytes_sent.load(),
          .messages_received = counts.messages_received.load()};
}

MpiCounts operator-(const MpiCounts& after, const MpiCounts& before) noexcept {
  return {.collective_calls = after.collective_calls - before.collective_calls,
          .collective_rounds = after.collective_rounds - before.collective_rounds,
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
  blocking_collective(bytes(count, datatype), bytes(count, datatype));
  return PMPI_Allreduce(sendbuf, recvbuf, count, datatype, op, comm);
}

int MPI_Iallreduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                   MPI_Request* request) {
  const int result = PMPI_Iallreduce(sendbuf, recvbuf, count, datatype, op, comm, request);
  nonblocking_collective(bytes(count, datatype), bytes(count, datatype), *request);
  return result;
}

int MPI_Iexscan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                MPI_Request* request) {
  const int result = PMPI_Iexscan(sendbuf, recvbuf, count, datatype, op, comm, request);
  nonblocking_collective(bytes(count, datatype), bytes(count, datatype), *request);
  return result;
}

int MPI_Ireduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root,
                MPI_Comm comm, MPI_Request* request) {
  const int result = PMPI_Ireduce(sendbuf, recvbuf, count, datatype, op, root, comm, request);
  nonblocking_collective(bytes(count, datatype), is_root(root, comm) ? bytes(count, datatype) : 0, *request);
  return result;
}

int MPI_Reduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root,
               MPI_Comm comm) {
  blocking_collective(bytes(count, datatype), is_root(root, comm) ? bytes(count, datatype) : 0);
  return PMPI_Reduce(sendbuf, recvbuf, count, datatype, op, root, comm);
}

int MPI_Scan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  blocking_collective(bytes(count, datatype), bytes(count, datatype));
  return PMPI_Scan(sendbuf, recvbuf, count, datatype, op, comm);
}

int MPI_Exscan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  blocking_collective(bytes(count, datatype), bytes(count, datatype));
  return PMPI_Exscan(sendbuf, recvbuf, count, datatype, op, comm);
}

// Broadcasts: the root sends, every other rank receives.
int MPI_Bcast(void* buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm) {
  const bool root_rank = is_root(root, comm);
  blocking_collective(root_rank ? bytes(count, datatype) : 0, root_rank ? 0 : bytes(count, datatype));
  return PMPI_Bcast(buffer, count, datatype, root, comm);
}

int MPI_Ibcast(void* buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm, MPI_Request* request) {
  const bool root_rank = is_root(root, comm);
  const int result = PMPI_Ibcast(buffer, count, datatype, root, comm, request);
  nonblocking_collective(root_rank ? bytes(count, datatype) : 0, root_rank ? 0 : bytes(count, datatype), *request);
  return result;
}

// Gathers: every rank sends its part; the receivers (all ranks, or the root) get every part.
int MPI_Allgather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
                  MPI_Datatype recvtype, MPI_Comm comm) {
  const std::uint64_t part = sendbuf == MPI_IN_PLACE ? bytes(recvcount, recvtype) : bytes(sendcount, sendtype);
  blocking_collective(part, bytes(recvcount, recvtype) * static_cast<std::uint64_t>(ranks(comm)));
  return PMPI_Allgather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
}

int MPI_Allgatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, const int recvcounts[],
                   const int displs[], MPI_Datatype recvtype, MPI_Comm comm) {
  int rank = 0;
  PMPI_Comm_rank(comm, &rank);
  const std::uint64_t part = sendbuf == MPI_IN_PLACE ? bytes(recvcounts[rank], recvtype) : bytes(sendcount, sendtype);
  blocking_collective(part, bytes(recvcounts, recvtype, comm));
  return PMPI_Allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, comm);
}

int MPI_Gather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
               MPI_Datatype recvtype, int root, MPI_Comm comm) {
  const bool root_rank = is_root(root, comm);
  blocking_collective(bytes(sendcount, sendtype),
             root_rank ? bytes(recvcount, recvtype) * static_cast<std::uint64_t>(ranks(comm)) : 0);
  return PMPI_Gather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm);
}

int MPI_Igather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
                MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request* request) {
  const bool root_rank = is_root(root, comm);
  const int result = PMPI_Igather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm, request);
  nonblocking_collective(bytes(sendcount, sendtype),
                         root_rank ? bytes(recvcount, recvtype) * static_cast<std::uint64_t>(ranks(comm)) : 0,
                         *request);
  return result;
}

int MPI_Gatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, const int recvcounts[],
                const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm) {
  const bool root_rank = is_root(root, comm);
  blocking_collective(bytes(sendcount, sendtype), root_rank ? bytes(recvcounts, recvtype, comm) : 0);
  return PMPI_Gatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, root, comm);
}

int MPI_Barrier(MPI_Comm comm) {
  blocking_collective(0, 0);
  return PMPI_Barrier(comm);
}

int MPI_Ibarrier(MPI_Comm comm, MPI_Request* request) {
  const int result = PMPI_Ibarrier(comm, request);
  nonblocking_collective(0, 0, *request);
  return result;
}

// Communicator creation is collective (MPI exchanges the colours and keys internally); counted
// as a call without bytes of ours.
int MPI_Comm_split_type(MPI_Comm comm, int split_type, int key, MPI_Info info, MPI_Comm* newcomm) {
  blocking_collective(0, 0);
  return PMPI_Comm_split_type(comm, split_type, key, info, newcomm);
}

int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm* newcomm) {
  blocking_collective(0, 0);
  return PMPI_Comm_split(comm, color, key, newcomm);
}

int MPI_Comm_dup(MPI_Comm comm, MPI_Comm* newcomm) {
  blocking_collective(0, 0);
  return PMPI_Comm_dup(comm, newcomm);
}

int MPI_Cart_create(MPI_Comm comm_old, int ndims, const int dims[], const int periods[], int reorder,
                    MPI_Comm* comm_cart) {
  blocking_collective(0, 0);
  return PMPI_Cart_create(comm_old, ndims, dims, periods, reorder, comm_cart);
}

// Completions: what ends the nonblocking collectives' rounds.
int MPI_Test(MPI_Request* request, int* flag, MPI_Status* status) {
  const MPI_Request handle = *request;
  const int result = PMPI_Test(request, flag, status);
  if (*flag != 0) completed({handle});
  return result;
}

int MPI_Testall(int count, MPI_Request requests[], int* flag, MPI_Status statuses[]) {
  const std::vector<MPI_Request> handles(requests, requests + count);
  const int result = PMPI_Testall(count, requests, flag, statuses);
  if (*flag != 0) completed(handles);
  return result;
}

int MPI_Wait(MPI_Request* request, MPI_Status* status) {
  const MPI_Request handle = *request;
  const int result = PMPI_Wait(request, status);
  completed({handle});
  return result;
}

int MPI_Waitall(int count, MPI_Request requests[], MPI_Status statuses[]) {
  const std::vector<MPI_Request> handles(requests, requests + count);
  const int result = PMPI_Waitall(count, requests, statuses);
  completed(handles);
  return result;
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
