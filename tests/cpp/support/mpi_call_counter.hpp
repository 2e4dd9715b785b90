#pragma once
// Counts the MPI communication this process makes, through the MPI profiling interface:
// mpi_call_counter.cpp defines the collectives and point-to-point calls (MPI_Allreduce,
// MPI_Bcast, MPI_Comm_split_type, MPI_Send, ...), which take the place of the MPI library's,
// count, and forward to PMPI_*. Linked into a program (the soastore_mpi_call_counter object
// library) it sees every such call the program and soastore make; MPI's own internal traffic
// does not pass through these symbols.
//
// Bytes are what the call's arguments say this rank hands over and gets back (count x type size),
// not what the MPI library's algorithm moves on the wire: an allreduce of n bytes sends n and
// receives n, an allgather of n bytes per rank sends n and receives P x n, a broadcast sends n
// from the root and receives n everywhere else. So bytes received grow with P exactly where a
// rank ends up holding O(P) data. Every MPI function src/ calls that communicates must be
// wrapped here: scaling/check_counted_mpi_calls.cmake fails the tests otherwise.

#include <cstdint>

namespace soastore::testing {

struct MpiCounts {
  std::uint64_t collective_calls = 0;  // collectives, communicator creation included
  // Times this rank waited on other ranks: each blocking collective is a round, and nonblocking
  // collectives started while none is in flight open a round that the others started with them
  // join (they progress together; the round ends when all of them completed).
  std::uint64_t collective_rounds = 0;
  std::uint64_t collective_bytes_sent = 0;
  std::uint64_t collective_bytes_received = 0;
  std::uint64_t messages_sent = 0;  // point to point (MPI_Send, MPI_Isend)
  std::uint64_t message_bytes_sent = 0;
  std::uint64_t messages_received = 0;  // point to point (MPI_Recv, MPI_Irecv)
};

// What this process has done so far (safe to call from any thread).
[[nodiscard]] MpiCounts mpi_counts() noexcept;

// The counts between two snapshots: what happened in between.
[[nodiscard]] MpiCounts operator-(const MpiCounts& after, const MpiCounts& before) noexcept;

}  // namespace soastore::testing
