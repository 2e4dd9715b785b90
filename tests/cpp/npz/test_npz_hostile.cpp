// Hostile archives: truncation, bad CRC, sizes that lie, deflate streams longer or shorter than
// their npy header says, unsafe and duplicate names, and every single-byte corruption of small
// archives. Each is CorruptFile (or, for a harmless byte, a successful load): never a crash, a
// hang or an allocation the file size does not justify (ASan/UBSan builds check the rest).
#include <gtest/gtest.h>

#include "npz/byte_codec.hpp"
#include "npz/npz_test_support.hpp"
#include "npz/zip_builder.hpp"
#include "npz/zip_writer.hpp"
#include "soastore/npz.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

class Hostile : public ::testing::Test {
 protected:
  // Writes `bytes` and loads them, all members (mapped when asked).
  SoA load_bytes(const std::vector<std::byte>& bytes, bool map = false) {
    write_file_bytes(path_, bytes);
    return npz::load(path_, std::nullopt, {.map = map});
  }
  void expect_corrupt(const std::vector<std::byte>& bytes, const std::string& what) {
    for (bool map : {false, true}) {
      try {
        (void)load_bytes(bytes, map);
        ADD_FAILURE() << what << ": loaded without error";
      } catch (const CorruptFile& e) {
        EXPECT_EQ(e.path(), path_.string()) << what;
      } catch (const std::exception& e) {
        ADD_FAILURE() << what << ": " << e.what() << " is not CorruptFile";
      }
    }
  }
  static SoA small_soa() {
    SoA soa;
    soa.insert("a", pseudo_random_array(DType::Float64, {5, 3}, 1));
    soa.insert("b", pseudo_random_array(DType::Int8, {}, 2));
    soa.insert("c", pseudo_random_array(DType::UInt16, {0}, 3));
    return soa;
  }
  std::vector<std::byte> saved(const SoA& soa, std::uint64_t zip64_threshold = npz::zip::kZip64Marker32) {
    npz::write_npz(path_, soa, {.zip64_threshold = zip64_threshold});
    return read_file_bytes(path_);
  }
  static void put32(std::vector<std::byte>& bytes, std::size_t at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<std::byte>(value >> (8 * i));
  }
  static void put64(std::vector<std::byte>& bytes, std::size_t at, std::uint64_t value) {
    put32(bytes, at, static_cast<std::uint32_t>(value));
    put32(bytes, at + 4, static_cast<std::uint32_t>(value >> 32));
  }
  static std::size_t find32(const std::vector<std::byte>& bytes, std::uint32_t signature, std::size_t from = 0) {
    for (std::size_t i = from; i + 4 <= bytes.size(); ++i) {
      if (npz::load_le(&bytes[i], 4) == signature) return i;
    }
    return bytes.size();
  }

  ScratchDir scratch_{MPI_COMM_SELF};
  std::filesystem::path path_ = scratch_ / "hostile.npz";
};

TEST_F(Hostile, EveryTruncationIsCorrupt) {
  const std::vector<std::byte> bytes = saved(small_soa());
  for (std::size_t size = 0; size < bytes.size(); size += (size + 300 < bytes.size() ? 61 : 1)) {
    expect_corrupt({bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size)}, "truncated to " + std::to_string(size));
  }
}

TEST_F(Hostile, MembersCutOutOfTheMiddleAreCorrupt) {
  // The end records stay, so the directory points past where the data now are.
  std::vector<std::byte> bytes = saved(small_soa());
  bytes.erase(bytes.begin() + 5000, bytes.begin() + 5100);
  expect_corrupt(bytes, "100 bytes cut out");
}

TEST_F(Hostile, BadCrcIsCorrupt) {
  const SoA soa = small_soa();
  std::vector<std::byte> bytes = saved(soa);
  bytes[4096] ^= std::byte{1};  // first byte of a's data (aligned)
  expect_corrupt(bytes, "flipped data bit");
  expect_corrupt(build_zip({{.name = "a.npy", .content = npy_bytes(soa.at("a")), .crc = 1234}}), "stored, CRC lies");
  expect_corrupt(build_zip({{.name = "a.npy", .content = npy_bytes(soa.at("a")), .deflate = true, .crc = 1234}}),
                 "deflated, CRC lies");
}

TEST_F(Hostile, SizesThatLieAreCorrupt) {
  const std::vector<std::byte> npy = npy_bytes(pseudo_random_array(DType::Int32, {100}, 4));
  const auto size = static_cast<std::uint32_t>(npy.size());
  expect_corrupt(build_zip({{.name = "a.npy", .content = npy, .uncompressed_size = 0x7fffffff, .compressed_size = 0x7fffffff}}),
                 "stored sizes past the file");
  expect_corrupt(build_zip({{.name = "a.npy", .content = npy, .uncompressed_size = size + 4, .compressed_size = size + 4}}),
                 "stored sizes into the directory");
  expect_corrupt(build_zip({{.name = "a.npy", .content = npy, .uncompressed_size = size - 4, .compressed_size = size - 4}}),
                 "stored sizes shorter than the npy header says");
  expect_corrupt(build_zip({{.name = "a.npy", .content = npy, .uncompressed_size = size + 4}}), "stored, sizes differ");
  expect_corrupt(build_zip({{.name = "a.npy", .content = npy, .deflate = true, .uncompressed_size = 0xfffffff0}}),
                 "deflate claims more than it can hold");
  expect_corrupt(build_zip({{.name = "a.npy", .content = npy, .deflate = true, .compressed_size = 0x7fffffff}}),
                 "deflate compressed size past the file");
  // The npy header declares more elements than the member holds.
  expect_corrupt(build_zip({{.name = "a.npy",
                             .content = npy_with_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }", 8)}}),
                 "npy shape larger than the member");
  expect_corrupt(build_zip({{.name = "a.npy", .content = npy_with_dict("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", 8)}}),
                 "object dtype");
}

TEST_F(Hostile, EndRecordsThatLieAreCorrupt) {
  const std::vector<std::byte> good = saved(small_soa());
  const std::size_t end = good.size() - 22;
  std::vector<std::byte> bytes = good;
  bytes[end + 8] = bytes[end + 10] = std::byte{0xfe};  // entry count 0xfe03
  expect_corrupt(bytes, "entry count");
  bytes = good;
  put32(bytes, end + 12, 0x7fffffff);  // directory size
  expect_corrupt(bytes, "directory size");
  bytes = good;
  put32(bytes, end + 16, static_cast<std::uint32_t>(npz::load_le(&bytes[end + 16], 4) + 1));  // directory offset
  expect_corrupt(bytes, "directory offset");
  bytes = good;
  put32(bytes, find32(bytes, npz::zip::kCentralHeaderSignature) + 42, 0x10000000);  // local header offset
  expect_corrupt(bytes, "local header offset");
  bytes = good;
  bytes.push_back(std::byte{0});  // a comment length that no longer matches the file end
  expect_corrupt(bytes, "trailing byte");
}

TEST_F(Hostile, Zip64RecordsThatLieAreCorrupt) {
  const std::vector<std::byte> good = saved(small_soa(), 0);
  const std::size_t record = find32(good, npz::zip::kZip64EndSignature);
  const std::size_t locator = find32(good, npz::zip::kZip64LocatorSignature);
  std::vector<std::byte> bytes = good;
  put64(bytes, record + 32, 1ull << 60);  // entries
  expect_corrupt(bytes, "ZIP64 entry count");
  bytes = good;
  put64(bytes, record + 40, 1ull << 60);  // directory size
  expect_corrupt(bytes, "ZIP64 directory size");
  bytes = good;
  put64(bytes, locator + 8, 1ull << 62);  // record offset
  expect_corrupt(bytes, "ZIP64 record offset");
  // The ZIP64 extra field of the first central header: sizes of 2^62.
  bytes = good;
  const std::size_t central = find32(bytes, npz::zip::kCentralHeaderSignature);
  const std::size_t extra = central + 46 + npz::load_le(&bytes[central + 28], 2);
  put64(bytes, extra + 4, 1ull << 62);
  put64(bytes, extra + 12, 1ull << 62);
  expect_corrupt(bytes, "ZIP64 extra sizes");
  // Marked ZIP64 without the extra field: cut its length to 0 (the directory then misparses too).
  bytes = good;
  bytes[central + 30] = bytes[central + 31] = std::byte{0};
  expect_corrupt(bytes, "ZIP64 marker without extra field");
}

TEST_F(Hostile, DeflateStreamLongerOrShorterThanDeclaredIsCorrupt) {
  // The npy header says 4 bytes of int8 data, the stream holds 100: the sizes all agree with the
  // header, only inflating shows the lie.
  std::vector<std::byte> longer = npy_with_dict("{'descr': '|i1', 'fortran_order': False, 'shape': (4,), }", 100);
  const auto declared = static_cast<std::uint32_t>(longer.size() - 96);
  expect_corrupt(build_zip({{.name = "a.npy", .content = longer, .deflate = true, .uncompressed_size = declared}}),
                 "inflates past the declared size");
  std::vector<std::byte> shorter = npy_with_dict("{'descr': '|i1', 'fortran_order': False, 'shape': (400,), }", 100);
  const auto claimed = static_cast<std::uint32_t>(shorter.size() + 300);
  expect_corrupt(build_zip({{.name = "a.npy", .content = shorter, .deflate = true, .uncompressed_size = claimed}}),
                 "inflates short of the declared size");
  // Not deflate data at all.
  std::vector<std::byte> garbage = build_zip({{.name = "a.npy", .content = longer, .deflate = true}});
  for (std::size_t i = 40; i < 60; ++i) garbage[i] = std::byte{0xff};
  expect_corrupt(garbage, "garbage deflate stream");
}

TEST_F(Hostile, UnsafeOrDuplicateNamesAreCorrupt) {
  const std::vector<std::byte> npy = npy_bytes(pseudo_random_array(DType::Int32, {3}, 5));
  // A group archive's one rank folder is the only path allowed, and only with what follows it safe.
  for (const char* name : {"a/b.npy", "../a.npy", "..npy", ".npy", "a\\b.npy", "a.txt", "npy", "rank-1/a.npy",
                           "rank-000001/../a.npy", "rank-000001/rank-000002/a.npy", "rank-000001/.npy",
                           "rank-00000x/a.npy", "/rank-000001/a.npy"}) {
    expect_corrupt(build_zip({{.name = name, .content = npy}}), name);
  }
  const SoA grouped = load_bytes(build_zip({{.name = "rank-000001/a.npy", .content = npy},
                                            {.name = "rank-1234567/a.npy", .content = npy}}));
  EXPECT_EQ(grouped.names(), (std::vector<std::string>{"rank-000001/a", "rank-1234567/a"}));
  expect_corrupt(build_zip({{.name = "a.npy", .content = npy}, {.name = "a.npy", .content = npy}}), "duplicate");
  const SoA fine = load_bytes(build_zip({{.name = "a.npy", .content = npy}, {.name = "b.npy", .content = npy, .deflate = true}}));
  EXPECT_EQ(fine.names(), (std::vector<std::string>{"a", "b"}));
}

// Every byte of small archives (ours, plain and ZIP64, and a deflated one) flipped in turn: each
// load succeeds (a byte nobody checks, e.g. a date) or throws CorruptFile.
TEST_F(Hostile, EverySingleByteCorruptionIsCaughtOrHarmless) {
  SoA soa;
  soa.insert("x", pseudo_random_array(DType::Float32, {3}, 6));
  soa.insert("y", pseudo_random_array(DType::Complex128, {}, 7));
  std::vector<std::vector<std::byte>> archives{saved(soa), saved(soa, 0)};
  archives.push_back(build_zip({{.name = "x.npy", .content = npy_bytes(soa.at("x")), .deflate = true},
                                {.name = "y.npy", .content = npy_bytes(soa.at("y"))}}));
  int corrupt = 0;
  for (const std::vector<std::byte>& good : archives) {
    for (std::size_t i = 0; i < good.size(); ++i) {
      // Padding zeros are many and all alike: sample them.
      if (good[i] == std::byte{0} && i % 97 != 0) continue;
      std::vector<std::byte> bytes = good;
      bytes[i] ^= std::byte{0x41};
      try {
        (void)load_bytes(bytes, i % 2 == 0);
      } catch (const CorruptFile&) {
        ++corrupt;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "byte " << i << ": " << e.what() << " is not CorruptFile";
      }
    }
  }
  EXPECT_GT(corrupt, 100);
}

}  // namespace
