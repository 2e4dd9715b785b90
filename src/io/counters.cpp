#include "io/counters.hpp"

#include "soastore/io_counters.hpp"

namespace soastore {

io::AtomicCounters& io::counters() noexcept {
  static AtomicCounters instance;
  return instance;
}

IoCounters io_counters() noexcept {
  const io::AtomicCounters& c = io::counters();
  constexpr auto relaxed = std::memory_order_relaxed;
  return {c.opens.load(relaxed),       c.renames.load(relaxed),       c.removes.load(relaxed),
          c.read_calls.load(relaxed),  c.bytes_read.load(relaxed),    c.write_calls.load(relaxed),
          c.bytes_written.load(relaxed), c.bytes_mapped.load(relaxed), c.direct_read_calls.load(relaxed),
          c.bytes_read_direct.load(relaxed)};
}

}  // namespace soastore
