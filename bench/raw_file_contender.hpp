#pragma once
// The disk's limit: each rank write()s a key's arrays back to back into a file of its own and
// closes it, and read()s them back into freshly allocated arrays. No header, no checksum, no
// rename: whatever a store spends beyond this is the cost of its format and its safety.
//
// Buffered (the default), the bytes go through the page cache as the stores' do. With O_DIRECT
// they go straight to the device: each rank copies its arrays through one 4 KiB-aligned 16 MiB
// buffer and writes it whole (the last request padded to 4 KiB), and reads back the same way,
// whole 4 KiB blocks around each array. That is the device's limit, and what a store would reach
// if it bypassed the page cache; no page cache is charged to the rank's memory.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/contender.hpp"
#include "soastore/dtype.hpp"

namespace soastore::bench {

enum class RawIo { Buffered, Direct };

class RawFileContender : public Contender {
 public:
  // Files are "{dir}/raw_{key}.rank-{rank}.bin"; with `fsync` each write ends with fsync().
  // RawIo::Direct: IoError when the file system in `dir` does not take O_DIRECT (tmpfs).
  RawFileContender(std::filesystem::path dir, int rank, bool fsync, RawIo io = RawIo::Buffered);

  // kRaw or kRawDirect (contenders.hpp).
  [[nodiscard]] std::string name() const override;
  void set(const std::string& key, const SoA& soa) override;
  [[nodiscard]] SoA get(const std::string& key) override;
  [[nodiscard]] SoA get_field(const std::string& key, const std::string& field) override;
  [[nodiscard]] SoA pop(const std::string& key) override;
  void remove(const std::string& key) override;

 private:
  // Where each array of a key sits in its file (the stores keep the same in their headers).
  struct Column {
    std::string name;
    DType dtype;
    Shape shape;
    std::uint64_t offset;
    std::size_t nbytes;
  };

  [[nodiscard]] std::filesystem::path file(const std::string& key) const;
  [[nodiscard]] const std::vector<Column>& layout(const std::string& key) const;

  [[nodiscard]] int open_flags() const;

  std::filesystem::path dir_;
  int rank_;
  bool fsync_;
  RawIo io_;
  std::unique_ptr<std::byte, void (*)(std::byte*)> buffer_;  // O_DIRECT only: the aligned buffer
  std::map<std::string, std::vector<Column>> layouts_;
};

}  // namespace soastore::bench
