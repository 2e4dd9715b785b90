#include <gtest/gtest.h>

#include <string_view>

#include "io/checksum.hpp"

namespace {
std::span<const std::byte> bytes_of(std::string_view text) { return std::as_bytes(std::span(text.data(), text.size())); }
}  // namespace

// The catalogue check values of CRC-64/XZ and CRC-32/ISO-HDLC (zip) for "123456789".
TEST(Checksum, Crc64MatchesTheXzCheckValue) {
  EXPECT_EQ(soastore::io::crc64_xz(bytes_of("123456789")), 0x995DC9BBDF1939FAull);
}

TEST(Checksum, Crc32MatchesTheZipCheckValue) { EXPECT_EQ(soastore::io::crc32_zip(bytes_of("123456789")), 0xCBF43926u); }

TEST(Checksum, ChainingEqualsOneCall) {
  const auto whole = bytes_of("123456789");
  EXPECT_EQ(soastore::io::crc64_xz(whole.subspan(4), soastore::io::crc64_xz(whole.first(4))),
            soastore::io::crc64_xz(whole));
  EXPECT_EQ(soastore::io::crc32_zip(whole.subspan(5), soastore::io::crc32_zip(whole.first(5))),
            soastore::io::crc32_zip(whole));
}
