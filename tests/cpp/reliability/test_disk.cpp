// Real file-system faults on 1-4 ranks: a full tmpfs (ENOSPC stays ENOSPC), a file removed,
// truncated or changed behind the store's back, a corrupt byte anywhere in a GenericIO file and in
// an npz file, a missing directory, a file where the directory should be, and a read-only mount.
// Each is a typed error naming key and file; what was stored before stays readable.
#include <gtest/gtest.h>

#include <cerrno>
#include <algorithm>
#include <fstream>
#include <functional>

#include "reliability_support.hpp"
#include "soastore/genericio_mpi.hpp"
#include "soastore/npz.hpp"
#include "stores/file_names.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

void flip_byte(const std::filesystem::path& file, std::uint64_t offset) {
  std::fstream bytes(file, std::ios::in | std::ios::out | std::ios::binary);
  bytes.seekg(static_cast<std::streamoff>(offset));
  const char c = static_cast<char>(bytes.get());
  bytes.seekp(static_cast<std::streamoff>(offset));
  bytes.put(static_cast<char>(c ^ 0x5a));
}

template <class E>
std::string expect_error(const std::function<void()>& operation, int error_number = 0) {
  try {
    operation();
  } catch (const E& e) {
    if constexpr (std::is_same_v<E, IoError>) {
      if (error_number != 0) { EXPECT_EQ(e.error_number(), error_number) << e.what(); }
    }
    return e.what();
  }
  ADD_FAILURE() << "expected an error";
  return {};
}

TEST(RealDisk, FullTmpfsIsEnospcAndLosesNothing) {
  Mount disk = Mount::tmpfs("size=4m");
  SOASTORE_REQUIRE_MOUNT(disk);
  Partition partition;
  {
    GenericIOStore genericio(partition, 1.0, disk.path() / "gio");
    NumpyStore numpy(partition, disk.path() / "npz");
    const SoA small = rank_soa(100, 1);
    genericio.set("keep", small);
    numpy.set("keep", small);
    // 4 MiB more than the file system holds, whatever the rank count.
    const SoA huge = rank_soa((4u << 20) / 20 + 1000, 2);
    for (int round = 0; round < 2; ++round) {  // the second round proves the space came back
      const std::string message = expect_error<IoError>([&] { genericio.set("big", huge); }, ENOSPC);
      EXPECT_NE(message.find("key 'big'"), std::string::npos) << message;
      EXPECT_NE(message.find("No space left"), std::string::npos) << message;
      (void)expect_error<IoError>([&] { numpy.set("big", huge); }, ENOSPC);
      EXPECT_FALSE(genericio.contains("big"));
      EXPECT_FALSE(numpy.contains("big"));
      EXPECT_FALSE(any_partial_file(disk.path()));
      expect_same(genericio.get("keep"), small);
      expect_same(numpy.get("keep"), small);
    }
    genericio.set("keep", rank_soa(50, 3));
    expect_same(genericio.get("keep"), rank_soa(50, 3));
  }
  EXPECT_TRUE(listing(disk.path()).empty());
}

TEST(BehindTheStoresBack, RemovedTruncatedOrChangedFiles) {
  Partition partition;
  ScratchDir scratch;
  GenericIOStore genericio(partition, 1.0, scratch / "gio");
  NumpyStore numpy(partition, scratch / "npz");
  const SoA value = rank_soa(40, 1), other = rank_soa(10, 2);
  const std::filesystem::path gio_file = stores::genericio_file_name(scratch / "gio", "k");
  const std::filesystem::path npz_file = stores::npz_file_name(scratch / "npz", "k", world_rank());
  auto reset = [&] {
    genericio.set("k", value);
    numpy.set("k", value);
    genericio.set("other", other);
    numpy.set("other", other);
    MPI_Barrier(MPI_COMM_WORLD);
  };
  const bool root = world_rank() == 0;

  reset();
  if (root) std::filesystem::remove(gio_file);
  std::filesystem::remove(npz_file);
  MPI_Barrier(MPI_COMM_WORLD);
  std::string message = expect_error<IoError>([&] { (void)genericio.get("k"); }, ENOENT);
  EXPECT_NE(message.find("key 'k'"), std::string::npos) << message;
  EXPECT_NE(message.find(gio_file.string()), std::string::npos) << message;
  message = expect_error<IoError>([&] { (void)numpy.get("k"); }, ENOENT);
  EXPECT_NE(message.find(npz_file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("rank " + std::to_string(world_rank())), std::string::npos) << message;
  expect_same(genericio.get("other"), other);
  expect_same(numpy.get("other"), other);
  // A set replaces a vanished file (nothing to set aside), and the key reads again.
  genericio.set("k", other);
  expect_same(genericio.get("k"), other);
  if (root) std::filesystem::remove(gio_file);
  MPI_Barrier(MPI_COMM_WORLD);
  // Removing a key whose file vanished is no error: the key is gone either way.
  genericio.remove("k");
  numpy.remove("k");

  reset();
  if (root) std::filesystem::resize_file(gio_file, std::filesystem::file_size(gio_file) - 3);
  std::filesystem::resize_file(npz_file, std::filesystem::file_size(npz_file) / 2);
  MPI_Barrier(MPI_COMM_WORLD);
  (void)expect_error<CorruptFile>([&] { (void)genericio.get("k"); });
  message = expect_error<CorruptFile>([&] { (void)numpy.get("k"); });
  EXPECT_NE(message.find(npz_file.string()), std::string::npos) << message;
  expect_same(genericio.get("other"), other);
  expect_same(numpy.get("other"), other);

  reset();  // set replaces the damaged files
  expect_same(genericio.get("k"), value);
  expect_same(numpy.get("k"), value);
  if (root) flip_byte(gio_file, std::filesystem::file_size(gio_file) - 20);
  flip_byte(npz_file, 4096);  // the first array's first data byte (members' data are 4096-aligned)
  MPI_Barrier(MPI_COMM_WORLD);
  (void)expect_error<CorruptFile>([&] { (void)genericio.get("k"); });
  (void)expect_error<CorruptFile>([&] { (void)numpy.get("k"); });
}

// Every byte of a small GenericIO file is covered by a CRC: any flipped byte (global header,
// variable headers, rank headers, header CRC, payloads, block CRCs) is CorruptFile on every rank
// for genericio::read. The store reads its keys back from the layout it kept, without the header:
// a flip in the header leaves its value intact, a flip in any rank's blocks is CorruptFile.
TEST(CorruptByte, EveryByteOfAGenericIOFile) {
  Partition partition;
  ScratchDir scratch;
  GenericIOStore store(partition, 1.0, scratch / "gio");
  const SoA value = rank_soa(2, 1);
  store.set("k", value);
  const std::filesystem::path file = stores::genericio_file_name(scratch / "gio", "k");
  const std::uint64_t size = std::filesystem::file_size(file);
  const std::uint64_t header_bytes = 168 + 280 * value.size() + 48 * static_cast<std::uint64_t>(world_size()) + 8;
  const auto expect_corrupt = [](std::uint64_t offset, const std::function<void()>& read) {
    try {
      read();
      ADD_FAILURE() << "byte " << offset << " flipped unnoticed";
    } catch (const CorruptFile&) {
    } catch (const Error& e) {
      ADD_FAILURE() << "byte " << offset << ": " << e.what();
    }
  };
  for (std::uint64_t offset = 0; offset < size; ++offset) {
    if (world_rank() == 0) flip_byte(file, offset);
    MPI_Barrier(MPI_COMM_WORLD);
    expect_corrupt(offset,
                   [&] { (void)genericio::read(partition.comm(), file, std::nullopt, genericio::ReadOptions{}); });
    if (offset < header_bytes) {
      expect_same(store.get("k"), value);
    } else {
      expect_corrupt(offset, [&] { (void)store.get("k"); });
    }
    // No barrier needed: get returns on rank 0 only after every rank finished reading.
    if (world_rank() == 0) flip_byte(file, offset);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  expect_same(store.get("k"), value);
}

// npz files have bytes no reader depends on (zip timestamps, padding, "version made by"): a
// flip there may go unnoticed, but must then return the exact stored arrays. Any flip in an npy
// header or array data is CorruptFile (CRC-32 of every member); nothing else is ever raised.
TEST(CorruptByte, EveryByteOfAnNpzFile) {
  if (world_rank() != 0) return;  // one process's own file: more ranks would only repeat it
  Partition partition(MPI_COMM_SELF);
  ScratchDir scratch(MPI_COMM_SELF);
  NumpyStore store(partition, scratch / "npz");
  const SoA value = rank_soa(3, 1);
  store.set("k", value);
  const std::filesystem::path file = stores::npz_file_name(scratch / "npz", "k", 0);
  const std::uint64_t size = std::filesystem::file_size(file);
  std::vector<char> bytes(size);
  std::ifstream(file, std::ios::binary).read(bytes.data(), static_cast<std::streamsize>(size));
  // Each member's npy header starts with the magic; its data starts at the next 4096-byte boundary.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> must_catch;  // [begin, end) ranges
  const std::string_view text(bytes.data(), bytes.size());
  const std::vector<std::string> names = value.names();
  std::size_t member = 0;
  for (std::size_t magic = text.find("\x93NUMPY"); magic != std::string_view::npos && member < names.size();
       magic = text.find("\x93NUMPY", magic + 1), ++member) {
    must_catch.emplace_back(magic, magic + 10);  // magic, version, header length
    const std::uint64_t data = (magic / 4096 + 1) * 4096;
    must_catch.emplace_back(data, data + value.at(names[member]).nbytes());
  }
  EXPECT_EQ(must_catch.size(), 2 * value.size());
  int corrupt = 0, unnoticed = 0;
  for (std::uint64_t offset = 0; offset < size; ++offset) {
    flip_byte(file, offset);
    const bool covered = std::any_of(must_catch.begin(), must_catch.end(),
                                     [&](const auto& range) { return offset >= range.first && offset < range.second; });
    try {
      expect_same(store.get("k"), value);
      ++unnoticed;
      EXPECT_FALSE(covered) << "byte " << offset << " of an npy header or data flipped unnoticed";
    } catch (const CorruptFile&) {
      ++corrupt;
    } catch (const Error& e) {
      ADD_FAILURE() << "byte " << offset << ": " << e.what();
    }
    flip_byte(file, offset);
  }
  EXPECT_GT(corrupt, 0);
  expect_same(store.get("k"), value);
  std::printf("npz of %llu bytes: %d flips CorruptFile, %d harmless\n", static_cast<unsigned long long>(size), corrupt,
              unnoticed);
}

TEST(Directories, MissingDirectoryOrAFileInItsPlace) {
  Partition partition;
  ScratchDir scratch;
  const std::filesystem::path missing = scratch / "no" / "such" / "dir" / "run";
  GenericIOStore genericio(partition, 1.0, missing);
  NumpyStore numpy(partition, missing);
  std::string message = expect_error<IoError>([&] { genericio.set("k", rank_soa(5)); }, ENOENT);
  EXPECT_NE(message.find("key 'k'"), std::string::npos) << message;
  EXPECT_NE(message.find(missing.parent_path().string()), std::string::npos) << message;
  (void)expect_error<IoError>([&] { numpy.set("k", rank_soa(5)); }, ENOENT);

  if (world_rank() == 0) std::ofstream(scratch / "plain_file") << "not a directory";
  MPI_Barrier(MPI_COMM_WORLD);
  GenericIOStore blocked(partition, 1.0, scratch / "plain_file" / "run");
  NumpyStore blocked_numpy(partition, scratch / "plain_file" / "run");
  (void)expect_error<IoError>([&] { blocked.set("k", rank_soa(5)); }, ENOTDIR);
  (void)expect_error<IoError>([&] { blocked_numpy.set("k", rank_soa(5)); }, ENOTDIR);
  // The directory appears: the same stores work.
  if (world_rank() == 0) std::filesystem::create_directories(missing.parent_path());
  MPI_Barrier(MPI_COMM_WORLD);
  genericio.set("k", rank_soa(5));
  numpy.set("k", rank_soa(5));
  expect_same(genericio.get("k"), rank_soa(5));
}

// As root, directory permissions do not stop writes (CAP_DAC_OVERRIDE); a read-only bind mount
// does, for everyone. Values stored before the directory became read-only stay readable.
TEST(Directories, ReadOnlyMount) {
  Partition partition;
  ScratchDir scratch;
  Mount read_only = Mount::read_only_bind(scratch.path());
  SOASTORE_REQUIRE_MOUNT(read_only);
  {
    GenericIOStore writable(partition, 1.0, scratch / "gio", StoreOptions{.keep_files = true});
    writable.set("k", rank_soa(5, 1));
  }
  GenericIOStore genericio(partition, 1.0, read_only.path() / "gio");
  NumpyStore numpy(partition, read_only.path() / "npz");
  const std::string message = expect_error<IoError>([&] { genericio.set("k", rank_soa(5, 2)); }, EROFS);
  EXPECT_NE(message.find("Read-only file system"), std::string::npos) << message;
  (void)expect_error<IoError>([&] { numpy.set("k", rank_soa(5, 2)); }, EROFS);
  expect_same(soastore::genericio::read(partition.comm(), read_only.path() / "gio_k.tmp.gio"), rank_soa(5, 1));
}

}  // namespace
