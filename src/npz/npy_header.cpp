#include "npz/npy_header.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <optional>
#include <string_view>

#include "npz/byte_codec.hpp"
#include "npz/corrupt.hpp"

namespace soastore::npz {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::size_t kAlignment = 64;  // numpy's ARRAY_ALIGN: header + preamble end on it
// numpy >= 1.24 leaves room for the growth axis to reach this many digits (in-place appends).
constexpr std::size_t kGrowthAxisMaxDigits = 21;

char native_byte_order() { return std::endian::native == std::endian::little ? '<' : '>'; }

std::string descr_of(DType dtype) {
  const DTypeInfo& info = dtype_info(dtype);
  const char order = info.size == 1 ? '|' : native_byte_order();
  return std::string(1, order) + info.kind + std::to_string(info.size);
}

// Recursive descent over the dict literal. Accepts what Python's literal_eval would for the
// values numpy writes (strings, True/False, tuples of non-negative ints), nothing else.
class DictParser {
 public:
  DictParser(std::string_view text, const std::string& path, const std::string& member)
      : text_(text), path_(path), member_(member) {}

  NpyHeader parse() {
    std::optional<std::string_view> descr;
    std::optional<bool> fortran_order;
    std::optional<Shape> shape;
    expect('{');
    while (!accept('}')) {
      const std::string_view key = string_literal();
      expect(':');
      if (key == "descr") {
        once(descr.has_value(), key);
        descr = descr_value();
      } else if (key == "fortran_order") {
        once(fortran_order.has_value(), key);
        fortran_order = bool_literal();
      } else if (key == "shape") {
        once(shape.has_value(), key);
        shape = shape_tuple();
      } else {
        fail("unexpected key '" + std::string(key) + "'");
      }
      if (!accept(',')) {
        expect('}');
        break;
      }
    }
    skip_space();
    if (position_ != text_.size()) fail("text after the dict");
    if (!descr || !fortran_order || !shape) fail("the dict lacks 'descr', 'fortran_order' or 'shape'");
    NpyHeader header;
    set_dtype(header, *descr);
    header.fortran_order = *fortran_order;
    header.shape = std::move(*shape);
    return header;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw_corrupt(path_, "member '" + member_ + "': npy header: " + what);
  }
  void once(bool seen, std::string_view key) const {
    if (seen) fail("key '" + std::string(key) + "' appears twice");
  }
  void skip_space() {
    while (position_ < text_.size() &&
           (text_[position_] == ' ' || text_[position_] == '\t' || text_[position_] == '\n' || text_[position_] == '\r')) {
      ++position_;
    }
  }
  bool accept(char c) {
    skip_space();
    if (position_ < text_.size() && text_[position_] == c) {
      ++position_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c)) fail(std::string("expected '") + c + "'");
  }
  bool at(char c) {
    skip_space();
    return position_ < text_.size() && text_[position_] == c;
  }
  std::string_view string_literal() {
    skip_space();
    if (position_ >= text_.size() || (text_[position_] != '\'' && text_[position_] != '"')) fail("expected a string");
    const char quote = text_[position_++];
    const std::size_t end = text_.find(quote, position_);
    if (end == std::string_view::npos) fail("unterminated string");
    const std::string_view value = text_.substr(position_, end - position_);
    // numpy never writes escapes; refusing them keeps the parser small.
    if (value.find('\\') != std::string_view::npos) fail("escape sequence in a string");
    position_ = end + 1;
    return value;
  }
  std::string_view descr_value() {
    if (at('[') || at('(')) fail("structured dtypes are not supported");
    return string_literal();
  }
  bool bool_literal() {
    skip_space();
    constexpr std::array<std::pair<std::string_view, bool>, 2> kWords{{{"True", true}, {"False", false}}};
    for (const auto& [word, value] : kWords) {
      if (text_.substr(position_, word.size()) == word) {
        position_ += word.size();
        return value;
      }
    }
    fail("'fortran_order' is not True or False");
  }
  std::size_t integer() {
    skip_space();
    const std::size_t first = position_;
    std::uint64_t value = 0;
    while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9') {
      const auto digit = static_cast<std::uint64_t>(text_[position_] - '0');
      if (value > (UINT64_MAX - digit) / 10) fail("a shape extent overflows 64 bits");
      value = value * 10 + digit;
      ++position_;
    }
    if (position_ == first) fail("expected a non-negative integer in the shape");
    if (text_[first] == '0' && position_ - first > 1) fail("leading zero in a shape extent");
    return static_cast<std::size_t>(value);
  }
  Shape shape_tuple() {
    expect('(');
    Shape shape;
    if (accept(')')) return shape;
    for (;;) {
      if (shape.size() == kMaxNpyDimensions) fail("more than 32 dimensions");
      shape.push_back(integer());
      const bool comma = accept(',');
      if (accept(')')) {
        // (3) is an int in Python, not a tuple: numpy refuses it.
        if (shape.size() == 1 && !comma) fail("'shape' is not a tuple");
        return shape;
      }
      if (!comma) fail("expected ',' or ')' in the shape");
    }
  }
  void set_dtype(NpyHeader& header, std::string_view descr) const {
    if (descr.size() < 3) fail("unsupported dtype '" + std::string(descr) + "'");
    const char order = descr[0];
    const char kind = descr[1];
    if (kind == 'O') fail("object arrays are not supported");
    std::size_t size = 0;
    for (char c : descr.substr(2)) {
      if (c < '0' || c > '9' || size > 64) fail("unsupported dtype '" + std::string(descr) + "'");
      size = size * 10 + static_cast<std::size_t>(c - '0');
    }
    const std::optional<DType> dtype = order == '<' || order == '>' || order == '|' || order == '='
                                           ? dtype_from_kind(kind, size)
                                           : std::nullopt;
    if (!dtype) fail("unsupported dtype '" + std::string(descr) + "'");
    header.dtype = *dtype;
    header.foreign_byte_order = size > 1 && (order == '<' || order == '>') && order != native_byte_order();
  }

  std::string_view text_;
  const std::string& path_;
  const std::string& member_;
  std::size_t position_ = 0;
};

}  // namespace

std::string encode_npy_header(DType dtype, const Shape& shape) {
  if (shape.size() > kMaxNpyDimensions) {
    throw InvalidData("npy arrays have at most 32 dimensions, not " + std::to_string(shape.size()));
  }
  // Keys sorted, as numpy writes them.
  // shape_to_string writes a Python tuple ("(3,)"), exactly as numpy does.
  std::string dict = "{'descr': '" + descr_of(dtype) + "', 'fortran_order': False, 'shape': " + shape_to_string(shape) + ", }";
  if (!shape.empty()) dict.append(kGrowthAxisMaxDigits - std::to_string(shape.front()).size(), ' ');
  const std::size_t with_newline = dict.size() + 1;
  // Version 1.0 stores the length in 2 bytes, 2.0 in 4; numpy takes the smallest that fits.
  constexpr std::array<std::pair<int, std::size_t>, 2> kVersions{{{1, 2}, {2, 4}}};
  for (const auto& [major, length_width] : kVersions) {
    const std::size_t preamble = kMagic.size() + 2 + length_width;
    const std::size_t padding = kAlignment - (preamble + with_newline) % kAlignment;
    const std::size_t header_length = with_newline + padding;
    if (length_width == 2 && header_length > 0xffff) continue;
    std::vector<std::byte> prefix;
    ByteSink sink(prefix);
    sink.text(kMagic);
    sink.text(std::string{static_cast<char>(major), 0});
    if (length_width == 2) {
      sink.u16(static_cast<std::uint16_t>(header_length));
    } else {
      sink.u32(static_cast<std::uint32_t>(header_length));
    }
    return std::string(as_text(prefix)) + dict + std::string(padding, ' ') + "\n";
  }
  throw InvalidData("npy header does not fit");  // unreachable for <= 32 dimensions
}

std::size_t npy_header_extent(std::span<const std::byte> preamble) noexcept {
  if (preamble.size() < kNpyPreambleLength || as_text(preamble.first(kMagic.size())) != kMagic) return kMaxNpyHeaderBytes;
  const auto major = static_cast<unsigned>(preamble[6]);
  const std::size_t length_width = major == 1 ? 2 : 4;
  const std::uint64_t length = load_le(preamble.data() + 8, static_cast<int>(length_width));
  const std::size_t preamble_bytes = kMagic.size() + 2 + length_width;
  return static_cast<std::size_t>(std::min<std::uint64_t>(preamble_bytes + length, kMaxNpyHeaderBytes));
}

NpyHeader parse_npy_header(std::span<const std::byte> bytes, const std::string& path, const std::string& member) {
  const auto fail = [&](const std::string& what) { throw_corrupt(path, "member '" + member + "': npy header: " + what); };
  if (bytes.size() < kMagic.size() + 4) fail("truncated");
  if (as_text(bytes.first(kMagic.size())) != kMagic) fail("bad magic (not a .npy array)");
  const auto major = static_cast<unsigned>(bytes[6]);
  const auto minor = static_cast<unsigned>(bytes[7]);
  if (minor != 0 || major < 1 || major > 3) fail("unsupported version " + std::to_string(major) + "." + std::to_string(minor));
  const std::size_t length_width = major == 1 ? 2 : 4;
  const std::size_t preamble = kMagic.size() + 2 + length_width;
  if (bytes.size() < preamble) fail("truncated");
  const std::uint64_t length = load_le(bytes.data() + 8, static_cast<int>(length_width));
  if (length > kMaxNpyHeaderLength) {
    fail("header of " + std::to_string(length) + " bytes exceeds numpy's limit of " + std::to_string(kMaxNpyHeaderLength));
  }
  if (bytes.size() - preamble < length) fail("truncated");
  // Versions 1 and 2 are latin-1, 3 is UTF-8; the dict numpy writes for our dtypes is ASCII in all.
  NpyHeader header = DictParser(as_text(bytes.subspan(preamble, length)), path, member).parse();
  header.header_bytes = preamble + static_cast<std::size_t>(length);
  std::uint64_t count = dtype_size(header.dtype);
  for (std::size_t extent : header.shape) {
    if (extent != 0 && count > UINT64_MAX / extent) fail("shape " + shape_to_string(header.shape) + " overflows");
    count *= extent;
  }
  header.data_bytes = count;
  return header;
}

}  // namespace soastore::npz
