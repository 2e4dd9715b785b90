#include <gtest/gtest.h>

#include <cerrno>

#include "core/describe_exception.hpp"
#include "soastore/errors.hpp"

using namespace soastore;

TEST(Errors, AllDeriveFromErrorAndRuntimeError) {
  EXPECT_THROW(throw KeyNotFound("k"), Error);
  EXPECT_THROW(throw InvalidKey("k"), std::runtime_error);
  EXPECT_THROW(throw LayoutMismatch("k"), Error);
}

TEST(Errors, ThrowErrorRebuildsEachKindWithItsFields) {
  EXPECT_THROW(throw_error(ErrorKind::KeyNotFound, "m"), KeyNotFound);
  EXPECT_THROW(throw_error(ErrorKind::InvalidKey, "m"), InvalidKey);
  EXPECT_THROW(throw_error(ErrorKind::InvalidData, "m"), InvalidData);
  EXPECT_THROW(throw_error(ErrorKind::LayoutMismatch, "m"), LayoutMismatch);
  EXPECT_THROW(throw_error(ErrorKind::Generic, "m"), Error);
  try {
    throw_error(ErrorKind::IoError, "disk full", {ENOSPC, "/tmp/f"});
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_number(), ENOSPC);
    EXPECT_EQ(e.path(), "/tmp/f");
    EXPECT_EQ(e.kind(), ErrorKind::IoError);
  }
  try {
    throw_error(ErrorKind::CorruptFile, "bad crc", {0, "/tmp/g", 3});
  } catch (const CorruptFile& e) {
    EXPECT_EQ(e.rank(), 3);
    EXPECT_EQ(e.path(), "/tmp/g");
    EXPECT_STREQ(e.what(), "bad crc");
  }
}

TEST(Errors, EveryKindCarriesAllDetails) {
  const KeyNotFound missing("m", ErrorDetails{0, "/tmp/f", 2});
  EXPECT_EQ(missing.path(), "/tmp/f");
  EXPECT_EQ(missing.rank(), 2);
  const IoError io("m", EIO);
  EXPECT_EQ(io.rank(), -1);
  EXPECT_TRUE(io.path().empty());
}

TEST(Errors, ContextKeepsTheClassAndEveryDetail) {
  try {
    throw_with_context(IoError("write failed", ErrorDetails{ENOSPC, "/tmp/f", 3}), "store: set key 'k': ");
  } catch (const IoError& e) {
    EXPECT_STREQ(e.what(), "store: set key 'k': write failed");
    EXPECT_EQ(e.error_number(), ENOSPC);
    EXPECT_EQ(e.path(), "/tmp/f");
    EXPECT_EQ(e.rank(), 3);
  }
  EXPECT_THROW(throw_with_context(LayoutMismatch("x"), "c: "), LayoutMismatch);
  EXPECT_THROW(throw_with_context(Error("x"), "c: "), Error);
}

TEST(Errors, DescribeExceptionGivesTheMessageOfWhatThePointerHolds) {
  EXPECT_EQ(describe_exception(std::make_exception_ptr(IoError("disk full", 28, "/f"))), "disk full");
  EXPECT_EQ(describe_exception(std::make_exception_ptr(std::logic_error("plain"))), "plain");
  EXPECT_EQ(describe_exception(std::make_exception_ptr(42)), "unknown error");
  EXPECT_EQ(describe_exception(nullptr), "no error");
}
