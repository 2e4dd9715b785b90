// Broken and hostile GenericIO files on one process: every truncation, a flipped byte anywhere,
// and headers that lie with a valid CRC all give CorruptFile, quickly, without crashing or
// allocating from an unchecked size.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstring>
#include <fstream>

#include "genericio/byte_order.hpp"
#include "genericio/crc_trailer.hpp"
#include "genericio/dataset.hpp"
#include "genericio/file_bytes.hpp"
#include "soastore/errors.hpp"
#include "soastore/genericio_mpi.hpp"
#include "support/test_paths.hpp"

using namespace soastore;
using namespace soastore::testing;

namespace {

// Reads everything the way a user would; the error class is what the tests look at.
void read_all(const std::filesystem::path& path) {
  (void)genericio::read(MPI_COMM_SELF, path, std::nullopt, genericio::Mismatch::Redistribute);
}

// The message of the CorruptFile that reading `path` must give ("" when there is none). Each
// attempt must end (the reference hangs forever on a truncated file): a hang fails the test by
// CTest's timeout. Not a timed assertion: under load a read took 2.2 s and failed a 2 s bound.
std::string failure_of(const std::filesystem::path& path) {
  std::string message;
  try {
    read_all(path);
  } catch (const CorruptFile& e) {
    EXPECT_EQ(e.path().rfind(path.string(), 0), 0u) << e.what();  // names the file (or a sub-file)
    message = e.what();
  }
  return message;
}

// Rewrites the header CRC after a patch, so only the lie itself is left to find.
void reseal_header(std::vector<std::byte>& bytes) {
  const std::uint64_t header_size = genericio::load_u64(bytes.data() + 8, false);
  const auto trailer = genericio::trailer_of({bytes.data(), header_size});
  std::memcpy(bytes.data() + header_size, trailer.data(), trailer.size());
}

void patch(std::vector<std::byte>& bytes, std::uint64_t offset, std::uint64_t value) {
  genericio::store_u64(bytes.data() + offset, value, false);
}

// Offsets to damage in a file of `size` bytes: every byte of the global header, the header CRC,
// the first data bytes and the last bytes; every fifth byte elsewhere, which hits every 8-byte
// field of the variable, rank and block headers and every block, trailer and BLOSC frame.
std::vector<std::uint64_t> offsets_to_damage(std::uint64_t size, std::uint64_t data_start) {
  std::vector<std::uint64_t> offsets;
  for (std::uint64_t offset = 0; offset < size; ++offset) {
    const bool dense = offset < 168 || (offset + 8 >= data_start && offset < data_start + 16) || offset + 16 >= size;
    if (dense || offset % 5 == 0) offsets.push_back(offset);
  }
  return offsets;
}

std::uint64_t data_start_of(const std::filesystem::path& path) {
  return genericio::open_source(path).header.blocks.front().offset;
}

}  // namespace

TEST(GenericIOHostile, SharedCorruptVectors) {
  EXPECT_NE(failure_of(genericio_vectors() / "bad_header_crc.gio").find("header CRC"), std::string::npos);
  const std::string data = failure_of(genericio_vectors() / "bad_data_crc.gio");
  EXPECT_NE(data.find("variable 'y' of file rank 0"), std::string::npos) << data;
  EXPECT_THROW((void)genericio::inspect(genericio_vectors() / "bad_header_crc.gio"), CorruptFile);
}

TEST(GenericIOHostile, TruncationAnywhereIsCorruptFile) {
  ScratchDir scratch(MPI_COMM_SELF);
  // Cutting a sub-file or the rank map of a split file breaks the whole set just the same.
  for (const std::string file : {"r2_basic.gio", "r4_compressed.gio", "r4_split.gio#1", "r4_split.gio"}) {
    const std::string opened = file.substr(0, file.find('#'));
    copy_vector(scratch.path(), opened);
    const std::vector<std::uint64_t> lengths =
        offsets_to_damage(std::filesystem::file_size(scratch / file), data_start_of(scratch / file));
    for (auto length = lengths.rbegin(); length != lengths.rend(); ++length) {
      std::filesystem::resize_file(scratch / file, *length);
      EXPECT_FALSE(failure_of(scratch / opened).empty()) << file << " cut at " << *length;
    }
  }
}

TEST(GenericIOHostile, AFlippedByteAnywhereIsCorruptFile) {
  // Every byte of these files is covered by the header CRC or a block CRC: header fields,
  // variable, rank and block headers, the header CRC, payloads (raw and BLOSC) and trailers.
  // Header bytes get a low and a high bit flipped (field values change differently), data one.
  ScratchDir scratch(MPI_COMM_SELF);
  for (const std::string file : {"r2_basic.gio", "r4_compressed.gio", "r4_blocks_raw.gio", "r2_longname.gio"}) {
    const std::filesystem::path path = copy_vector(scratch.path(), file);
    const std::uint64_t data_start = data_start_of(path);
    std::fstream bytes(path, std::ios::in | std::ios::out | std::ios::binary);
    for (const std::uint64_t at : offsets_to_damage(std::filesystem::file_size(path), data_start)) {
      const auto offset = static_cast<std::streamoff>(at);
      char original = 0;
      bytes.seekg(offset).read(&original, 1);
      const bool in_header = at < data_start;
      for (const char mask : {'\x01', '\x40'}) {
        if (mask == '\x40' && !in_header) continue;
        const char flipped = static_cast<char>(original ^ mask);
        bytes.seekp(offset).write(&flipped, 1).flush();
        const std::string message = failure_of(path);
        EXPECT_FALSE(message.empty()) << file << " flipped at " << at;
        if (!in_header) {
          EXPECT_NE(message.find("file rank"), std::string::npos) << message;  // a data error names the block
        }
      }
      bytes.seekp(offset).write(&original, 1).flush();
    }
  }
}

TEST(GenericIOHostile, HeadersThatLieWithAValidCrc) {
  ScratchDir scratch(MPI_COMM_SELF);
  const std::vector<std::byte> original = read_file_bytes(genericio_vectors() / "r2_basic.gio");
  const std::uint64_t ranks_start = 3808, var0 = 168, huge = std::uint64_t{1} << 62;
  struct Lie {
    const char* what;
    std::uint64_t offset;
    std::uint64_t value;
  };
  const std::vector<Lie> lies = {
      {"NElems", 16, 34},
      {"NVars huge", 48, huge},
      {"NVars one more", 48, 14},
      {"VarsSize 0", 56, 0},
      {"VarsStart past the header", 64, 1u << 20},
      {"NRanks huge", 72, huge},
      {"NRanks 0", 72, 0},
      {"RanksSize 1", 80, 1},
      {"RanksStart past the header", 88, ranks_start + 48},
      {"GlobalHeaderSize 0", 96, 0},
      {"GlobalHeaderSize past the header", 96, 1u << 20},
      {"BlocksSize without blocks", 152, 48},
      {"rank rows huge", ranks_start + 24, huge},
      {"rank rows one more", ranks_start + 24, 21},
      {"rank start past the end", ranks_start + 48 + 32, 5902},
      {"rank start inside the header", ranks_start + 32, 100},
      {"Size 0", var0 + 264, 0},
      {"Size huge", var0 + 264, huge},
      {"ElementSize 3", var0 + 272, 3},
      {"float of 2 bytes", var0 + 272, 2},
  };
  for (const Lie& lie : lies) {
    std::vector<std::byte> bytes = original;
    patch(bytes, lie.offset, lie.value);
    reseal_header(bytes);
    write_file_bytes(scratch / "lie.gio", bytes);
    EXPECT_FALSE(failure_of(scratch / "lie.gio").empty()) << lie.what;
    EXPECT_THROW((void)genericio::inspect(scratch / "lie.gio"), CorruptFile) << lie.what;
  }
  // HeaderSize needs no CRC to be refused: it must fit in the file before anything is read.
  std::vector<std::byte> bytes = original;
  patch(bytes, 8, huge);
  write_file_bytes(scratch / "lie.gio", bytes);
  EXPECT_NE(failure_of(scratch / "lie.gio").find("HeaderSize"), std::string::npos);
}

TEST(GenericIOHostile, CompressedBlocksThatLieWithAValidCrc) {
  ScratchDir scratch(MPI_COMM_SELF);
  const auto path = genericio_vectors() / "r4_compressed.gio";
  const genericio::SourceFile source = genericio::open_source(path);
  const std::vector<std::byte> original = read_file_bytes(path);
  std::size_t lies = 0;
  for (std::size_t b = 0; b < source.header.blocks.size(); ++b) {
    const genericio::BlockExtent& block = source.header.blocks[b];
    if (!block.compressed) continue;
    // Change the stored CRC of the uncompressed data, then a byte of the blosc frame, then the
    // frame's own size field, each time with a correct block trailer.
    for (const std::uint64_t at : {std::uint64_t{0}, std::uint64_t{8 + 20}, std::uint64_t{8 + 12}}) {
      std::vector<std::byte> bytes = original;
      bytes[block.offset + at] ^= std::byte{0x10};
      const auto trailer = genericio::trailer_of({bytes.data() + block.offset, block.size});
      std::memcpy(bytes.data() + block.offset + block.size, trailer.data(), trailer.size());
      write_file_bytes(scratch / "lie.gio", bytes);
      EXPECT_FALSE(failure_of(scratch / "lie.gio").empty()) << "block " << b << " byte " << at;
      ++lies;
    }
  }
  EXPECT_EQ(lies, 48u);
}

TEST(GenericIOHostile, NotGenericIOFiles) {
  ScratchDir scratch(MPI_COMM_SELF);
  write_file_bytes(scratch / "empty", {});
  EXPECT_NE(failure_of(scratch / "empty").find("too short"), std::string::npos);
  const std::string text(400, 'x');
  write_file_bytes(scratch / "text", std::vector<std::byte>(reinterpret_cast<const std::byte*>(text.data()),
                                                            reinterpret_cast<const std::byte*>(text.data()) + text.size()));
  EXPECT_NE(failure_of(scratch / "text").find("magic"), std::string::npos);
  EXPECT_THROW(read_all(scratch / "missing"), IoError);
  // A split file whose sub-file is gone cannot be read either.
  copy_vector(scratch.path(), "r4_split.gio");
  std::filesystem::remove(scratch / "r4_split.gio#1");
  EXPECT_THROW(read_all(scratch / "r4_split.gio"), IoError);
}
