#pragma once
// The disk's limit: each rank write()s a key's arrays back to back into a file of its own and
// closes it, and read()s them back into freshly allocated arrays. No header, no checksum, no
// rename: whatever a store spends beyond this is the cost of its format and its safety.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bench/contender.hpp"
#include "soastore/dtype.hpp"

namespace soastore::bench {

class RawFileContender : public Contender {
 public:
  // Files are "{dir}/raw_{key}.rank-{rank}.bin"; with `fsync` each write ends with fsync().
  RawFileContender(std::filesystem::path dir, int rank, bool fsync);

  [[nodiscard]] std::string name() const override { return "raw write/read"; }
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

  std::filesystem::path dir_;
  int rank_;
  bool fsync_;
  std::map<std::string, std::vector<Column>> layouts_;
};

}  // namespace soastore::bench
