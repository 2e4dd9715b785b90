// The .npy header codec and layout conversions: what numpy writes, byte for byte; strict,
// bounded parsing of hostile headers; byte swapping and Fortran order.
#include <gtest/gtest.h>

#include <complex>
#include <cstring>

#include "npz/npy_header.hpp"
#include "npz/npy_layout.hpp"
#include "npz/zip_builder.hpp"

using namespace soastore;
using namespace soastore::npz;
using soastore::testing::npy_v1_header;

namespace {

std::span<const std::byte> bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

NpyHeader parse(const std::string& header) { return parse_npy_header(bytes_of(header), "test.npz", "a.npy"); }

TEST(NpyHeader, EncodesExactlyWhatNumpyWrites) {
  // numpy 1.24: np.lib.format.write_array(f, np.zeros(3)) header.
  std::string expected = "\x93NUMPY\x01";
  expected += std::string("\0v\0", 3);
  expected += "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
  expected.append(20, ' ');  // growth-axis room: 21 digits minus the one of "3"
  expected.append(128 - 1 - expected.size(), ' ');
  expected += '\n';
  EXPECT_EQ(encode_npy_header(DType::Float64, {3}), expected);
  const std::string scalar = encode_npy_header(DType::Bool, {});
  EXPECT_NE(scalar.find("{'descr': '|b1', 'fortran_order': False, 'shape': (), }"), std::string::npos);
  EXPECT_NE(encode_npy_header(DType::Complex64, {2, 0}).find("'<c8'"), std::string::npos);
  EXPECT_NE(encode_npy_header(DType::Complex64, {2, 0}).find("(2, 0)"), std::string::npos);
}

TEST(NpyHeader, EveryHeaderIsAMultipleOf64AndParsesBack) {
  for (int d = 0; d <= static_cast<int>(DType::Complex128); ++d) {
    for (const Shape& shape : {Shape{}, Shape{0}, Shape{5}, Shape{2, 3, 4}, Shape(32, 1)}) {
      const std::string header = encode_npy_header(static_cast<DType>(d), shape);
      EXPECT_EQ(header.size() % 64, 0u);
      const NpyHeader parsed = parse(header);
      EXPECT_EQ(parsed.dtype, static_cast<DType>(d));
      EXPECT_EQ(parsed.shape, shape);
      EXPECT_FALSE(parsed.fortran_order);
      EXPECT_FALSE(parsed.foreign_byte_order);
      EXPECT_EQ(parsed.header_bytes, header.size());
      EXPECT_EQ(parsed.data_bytes, shape_element_count(shape) * dtype_size(static_cast<DType>(d)));
    }
  }
  EXPECT_THROW((void)encode_npy_header(DType::Int8, Shape(33, 1)), InvalidData);
}

TEST(NpyHeader, AcceptsWhatLiteralEvalAccepts) {
  const NpyHeader h = parse(npy_v1_header("{ \"shape\" :(2 ,3) ,'fortran_order':True,'descr':'>i4'}"));
  EXPECT_EQ(h.dtype, DType::Int32);
  EXPECT_EQ(h.shape, (Shape{2, 3}));
  EXPECT_TRUE(h.fortran_order);
  EXPECT_TRUE(h.foreign_byte_order);
  EXPECT_FALSE(parse(npy_v1_header("{'descr': '|u1', 'fortran_order': False, 'shape': (4,)}")).foreign_byte_order);
  EXPECT_FALSE(parse(npy_v1_header("{'descr': '>u1', 'fortran_order': False, 'shape': (4,)}")).foreign_byte_order);
}

TEST(NpyHeader, HostileHeadersAreCorrupt) {
  const std::vector<std::string> dicts{
      "",
      "{",
      "{}",
      "[]",
      "{'descr': '<f8', 'fortran_order': False}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}",
      "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3,)}",
      "{'descr': '|O', 'fortran_order': False, 'shape': (3,)}",
      "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,)}",
      "{'descr': '<U5', 'fortran_order': False, 'shape': (3,)}",
      "{'descr': '<f3', 'fortran_order': False, 'shape': (3,)}",
      "{'descr': '!f8', 'fortran_order': False, 'shape': (3,)}",
      "{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': [3]}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (03,)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,,)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)} x",
      "{'descr': '<f\\x38', 'fortran_order': False, 'shape': (3,)}",
      "{'descr': '<f8, 'fortran_order': False, 'shape': (3,)}",
  };
  for (const std::string& dict : dicts) EXPECT_THROW((void)parse(npy_v1_header(dict)), CorruptFile) << dict;
  std::string many_dims = "{'descr': '<f8', 'fortran_order': False, 'shape': (";
  for (int i = 0; i < 33; ++i) many_dims += "1, ";
  EXPECT_THROW((void)parse(npy_v1_header(many_dims + ")}")), CorruptFile);
}

TEST(NpyHeader, BadPreamblesAreCorrupt) {
  const std::string good = encode_npy_header(DType::Int64, {3});
  EXPECT_THROW((void)parse(good.substr(0, 9)), CorruptFile);
  EXPECT_THROW((void)parse(good.substr(0, good.size() - 1)), CorruptFile);  // truncated
  std::string bad_magic = good;
  bad_magic[1] = 'X';
  EXPECT_THROW((void)parse(bad_magic), CorruptFile);
  std::string bad_version = good;
  bad_version[6] = '\x04';
  EXPECT_THROW((void)parse(bad_version), CorruptFile);
  // A 2.0 header longer than numpy's 10000-byte limit, even though all of it is there.
  std::string huge = "\x93NUMPY\x02";
  huge += '\0';
  const std::uint32_t length = 10001;
  huge.append(reinterpret_cast<const char*>(&length), 4);
  huge += "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}";
  huge.append(12 + length - huge.size() - 1, ' ');
  huge += '\n';
  EXPECT_THROW((void)parse(huge), CorruptFile);
}

TEST(NpyLayout, SwapsEachScalarAndEachHalfOfAComplex) {
  Array ints = Array::from(std::vector<std::uint32_t>{0x01020304, 0xa0b0c0d0});
  swap_byte_order(ints);
  EXPECT_EQ(ints.as<std::uint32_t>()[0], 0x04030201u);
  EXPECT_EQ(ints.as<std::uint32_t>()[1], 0xd0c0b0a0u);
  Array complex = Array::from(std::vector<std::complex<float>>{{1.0f, -2.0f}});
  swap_byte_order(complex);
  swap_byte_order(complex);
  EXPECT_EQ(complex.as<std::complex<float>>()[0], std::complex<float>(1.0f, -2.0f));
  std::uint32_t real_bits = 0;
  swap_byte_order(complex);
  std::memcpy(&real_bits, complex.data(), 4);
  EXPECT_EQ(real_bits, 0x0000803fu);  // 1.0f = 0x3f800000 reversed on its own
}

TEST(NpyLayout, FortranToCOrder) {
  // Fortran bytes of [[0, 1, 2], [3, 4, 5]]: columns first.
  const Array fortran = Array::from(std::vector<std::int16_t>{0, 3, 1, 4, 2, 5}, Shape{2, 3});
  const Array c_order = fortran_to_c_order(fortran);
  EXPECT_EQ(c_order.shape(), (Shape{2, 3}));
  const auto values = c_order.as<std::int16_t>();
  EXPECT_EQ(std::vector<std::int16_t>(values.begin(), values.end()), (std::vector<std::int16_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(fortran_to_c_order(Array::from(std::vector<double>{}, Shape{0, 4})).shape(), (Shape{0, 4}));
}

}  // namespace
