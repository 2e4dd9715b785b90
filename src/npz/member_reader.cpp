#include "npz/member_reader.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "io/checksum.hpp"
#include "io/chunked_io.hpp"
#include "io/direct_reader.hpp"
#include "npz/byte_codec.hpp"
#include "npz/corrupt.hpp"
#include "npz/inflater.hpp"
#include "npz/mapped_array.hpp"
#include "npz/npy_header.hpp"
#include "npz/npy_layout.hpp"
#include "npz/zip_format.hpp"

namespace soastore::npz {
namespace {

using namespace zip;

// The first read of a member: its local header and, usually, its npy header (and all of a small
// member), so most members cost this read plus one for their data. 8 KiB holds a local header
// padded to a 4096-byte data boundary (ours) plus its npy header; a larger probe would only
// re-read data bytes.
constexpr std::size_t kProbeSize = 8192;
// Deflate emits at least 2 bits per 258 output bytes: no stream inflates by more than this.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

class MemberReader {
 public:
  MemberReader(io::File& file, const ZipMember& member, std::uint64_t members_end)
      : file_(file), member_(member), name_(member.name) {
    available_ = members_end - member.local_header_offset;
  }

  Array read(const LoadOptions& options) {
    read_local_header();
    Array array = member_.method == kMethodStored ? read_stored(options) : read_deflated();
    if (header_.foreign_byte_order) swap_byte_order(array);
    if (header_.fortran_order && array.ndim() > 1) array = fortran_to_c_order(array);
    return array;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw_corrupt(file_.path(), "member '" + name_ + "': " + what); }

  // Reads `count` bytes at `offset` from the local header on; CorruptFile if the archive ends first.
  std::vector<std::byte> read_span(std::uint64_t offset, std::size_t count) {
    std::vector<std::byte> bytes(count);
    if (file_.read_at(bytes, member_.local_header_offset + offset) != count) fail("truncated");
    return bytes;
  }

  void read_local_header() {
    probe_ = read_span(0, static_cast<std::size_t>(std::min<std::uint64_t>(kProbeSize, available_)));
    ByteSource local(probe_, file_.path(), "local header of member '" + name_ + "'");
    if (local.u32() != kLocalHeaderSignature) fail("bad local header signature");
    local.skip(22);  // versions, flags, method, time, date, CRC, sizes: the central directory's rule
    const std::uint16_t name_length = local.u16();
    const std::uint16_t extra_length = local.u16();
    data_start_ = kLocalHeaderSize + name_length + extra_length;
    if (name_length != member_.name_length) fail("local header names another member");
    if (data_start_ > available_ || member_.compressed_size > available_ - data_start_) {
      fail("its " + std::to_string(member_.compressed_size) + " bytes run past the central directory");
    }
    // The name must agree with the central directory's, as zipfile and unzip insist.
    if (probe_.size() >= kLocalHeaderSize + name_length &&
        as_text(std::span(probe_).subspan(kLocalHeaderSize, name_length)) != name_) {
      fail("local header names another member");
    }
  }

  // The first `count` bytes of member data, from the probe when it holds them.
  std::span<const std::byte> member_prefix(std::size_t count) {
    if (data_start_ + count > probe_.size()) {
      probe_ = read_span(0, data_start_ + count);
    }
    return std::span(probe_).subspan(data_start_, count);
  }

  void check_declared_size() const {
    if (header_.header_bytes + header_.data_bytes != member_.uncompressed_size) {
      fail("npy header declares " + std::to_string(header_.data_bytes) + " data bytes but the member holds " +
           std::to_string(member_.uncompressed_size - header_.header_bytes));
    }
  }

  void check_crc(std::uint32_t crc) const {
    if (crc != member_.crc) fail("CRC-32 mismatch (data corrupted)");
  }

  Array read_stored(const LoadOptions& options) {
    if (member_.compressed_size != member_.uncompressed_size) fail("stored, but its compressed and uncompressed sizes differ");
    // Fetch what the header's preamble says it needs, not the most any header could take: our
    // members' headers end at a 4 KiB boundary inside the first probe.
    const auto limit = static_cast<std::size_t>(std::min<std::uint64_t>(member_.compressed_size, kMaxNpyHeaderBytes));
    const std::size_t extent = npy_header_extent(member_prefix(std::min(limit, kNpyPreambleLength)));
    const std::span<const std::byte> prefix = member_prefix(std::min(limit, extent));
    header_ = parse_npy_header(prefix, file_.path(), name_);
    check_declared_size();  // now data_bytes <= compressed size, which fits the file: safe to allocate
    const std::uint32_t header_crc = io::crc32_zip(prefix.first(header_.header_bytes));
    const std::uint64_t data_offset = data_start_ + header_.header_bytes;
    const std::uint64_t absolute = member_.local_header_offset + data_offset;
    if (options.map && !header_.foreign_byte_order && !header_.fortran_order && mappable_offset(absolute)) {
      if (std::optional<Array> mapped = map_array(file_, absolute, header_.dtype, header_.shape)) {
        check_crc(io::crc32_zip(mapped->bytes(), header_crc));
        return std::move(*mapped);
      }
    }
    Array array = Array::allocate(header_.dtype, header_.shape);
    const std::span<std::byte> data = array.bytes();
    std::uint32_t crc = header_crc;
    if (data_offset + data.size() <= probe_.size()) {
      std::memcpy(data.data(), probe_.data() + data_offset, data.size());  // a small member: the probe has it all
      crc = io::crc32_zip(data, crc);
    } else {
      // Each chunk is checksummed right after it arrived, while it is in cache (io/chunked_io.hpp).
      const auto checksum = [&](std::span<const std::byte> chunk) { crc = io::crc32_zip(chunk, crc); };
      io::DirectReader reader(file_, use_direct_io(options.io, data.size()));
      if (reader.read_chunks(data, absolute, {}, checksum) != data.size()) fail("truncated");
    }
    check_crc(crc);
    return array;
  }

  Array read_deflated() {
    // What the directory claims must be within deflate's reach before it sizes anything.
    if (member_.uncompressed_size / kMaxDeflateRatio > member_.compressed_size + 1) {
      fail("claims " + std::to_string(member_.uncompressed_size) + " bytes from " +
           std::to_string(member_.compressed_size) + " compressed bytes, more than deflate can hold");
    }
    const std::vector<std::byte> compressed = read_span(data_start_, static_cast<std::size_t>(member_.compressed_size));
    Inflater inflater(compressed, file_.path(), name_);
    std::vector<std::byte> head(static_cast<std::size_t>(std::min<std::uint64_t>(member_.uncompressed_size, kMaxNpyHeaderBytes)));
    const std::size_t produced = inflater.fill(head);
    header_ = parse_npy_header(std::span(head).first(produced), file_.path(), name_);
    check_declared_size();
    Array array = Array::allocate(header_.dtype, header_.shape);
    const std::span<std::byte> data = array.bytes();
    // The head may already hold the start of the data; the rest inflates straight into the array.
    const std::size_t early = produced - header_.header_bytes;
    std::memcpy(data.data(), head.data() + header_.header_bytes, early);
    if (inflater.fill(data.subspan(early)) != data.size() - early) fail("deflate stream ends before the declared size");
    inflater.expect_end();
    check_crc(io::crc32_zip(data, io::crc32_zip(std::span(head).first(header_.header_bytes))));
    return array;
  }

  io::File& file_;
  const ZipMember& member_;
  std::string name_;
  std::uint64_t available_ = 0;  // bytes from the local header to the central directory
  std::vector<std::byte> probe_;
  std::uint64_t data_start_ = 0;  // of the member data (npy header), from the local header
  NpyHeader header_;
};

}  // namespace

Array read_member(io::File& file, const ZipMember& member, std::uint64_t members_end, const LoadOptions& options) {
  return MemberReader(file, member, members_end).read(options);
}

}  // namespace soastore::npz
