#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "soastore/array.hpp"

using soastore::Array;
using soastore::DType;
using soastore::InvalidData;

TEST(Array, FromVectorKeepsValuesShapeAndDtype) {
  Array a = Array::from(std::vector<std::int64_t>{1, -2, 3});
  EXPECT_EQ(a.dtype(), DType::Int64);
  EXPECT_EQ(a.shape(), (soastore::Shape{3}));
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a.nbytes(), 24u);
  auto values = a.as<std::int64_t>();
  EXPECT_EQ(values[1], -2);
}

TEST(Array, FromVectorWithShapeChecksTheElementCount) {
  Array a = Array::from(std::vector<float>(6, 1.5f), {2, 3});
  EXPECT_EQ(a.ndim(), 2u);
  EXPECT_EQ(a.size(), 6u);
  EXPECT_THROW((void)Array::from(std::vector<float>(5), {2, 3}), InvalidData);
}

TEST(Array, WrongElementTypeIsAnErrorNotGarbage) {
  Array a = Array::from(std::vector<float>{1, 2});
  EXPECT_THROW((void)a.as<double>(), InvalidData);
  EXPECT_THROW((void)a.as<std::int32_t>(), InvalidData);
  const Array& constant = a;
  EXPECT_EQ(constant.as<float>().size(), 2u);
}

TEST(Array, CopiesShareBytes) {
  Array a = Array::from(std::vector<double>{1, 2, 3});
  Array b = a;
  b.as<double>()[0] = 42;
  EXPECT_EQ(a.as<double>()[0], 42);
  EXPECT_TRUE(a.shares_memory_with(b));
  EXPECT_FALSE(a.shares_memory_with(Array::from(std::vector<double>{1, 2, 3})));
}

TEST(Array, WrapKeepsTheOwnerAliveUntilTheLastHandleGoes) {
  auto owner = std::make_shared<std::vector<std::int32_t>>(std::vector<std::int32_t>{7, 8, 9});
  std::weak_ptr<std::vector<std::int32_t>> watch = owner;
  {
    Array a = Array::wrap(DType::Int32, {3}, owner->data(), owner);
    owner.reset();
    EXPECT_FALSE(watch.expired());
    EXPECT_EQ(a.as<std::int32_t>()[2], 9);
  }
  EXPECT_TRUE(watch.expired());
}

TEST(Array, AllocateIsAlignedAndHandlesZeroAndZeroDimensional) {
  Array big = Array::allocate(DType::Float32, {1000});
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(big.data()) % alignof(std::max_align_t), 0u);
  Array empty = Array::allocate(DType::UInt8, {0});
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_NE(empty.data(), nullptr);
  Array scalar = Array::allocate(DType::Complex128, {});
  EXPECT_EQ(scalar.ndim(), 0u);
  EXPECT_EQ(scalar.size(), 1u);
  EXPECT_EQ(scalar.nbytes(), 16u);
}

TEST(Array, OverflowingShapesAreRejected) {
  EXPECT_THROW((void)Array::allocate(DType::Float64, {SIZE_MAX / 2, 4}), InvalidData);
  EXPECT_THROW((void)Array::allocate(DType::Float64, {SIZE_MAX / 4}), InvalidData);
}

TEST(Array, ReshapedSharesBytes) {
  Array a = Array::from(std::vector<std::int16_t>(12, 3));
  Array b = a.reshaped({4, 3});
  EXPECT_EQ(b.shape(), (soastore::Shape{4, 3}));
  EXPECT_TRUE(b.shares_memory_with(a));
  EXPECT_THROW((void)a.reshaped({5}), InvalidData);
}

TEST(Array, EqualComparesDtypeShapeAndBytes) {
  Array a = Array::from(std::vector<std::int32_t>{1, 2});
  EXPECT_TRUE(equal(a, Array::from(std::vector<std::int32_t>{1, 2})));
  EXPECT_FALSE(equal(a, Array::from(std::vector<std::int32_t>{1, 3})));
  EXPECT_FALSE(equal(a, Array::from(std::vector<std::uint32_t>{1, 2})));
  EXPECT_FALSE(equal(a, a.reshaped({1, 2})));
}

TEST(DType, NamesKindsAndSizesFollowNumpy) {
  EXPECT_EQ(soastore::dtype_name(DType::Float16), "float16");
  EXPECT_EQ(soastore::dtype_size(DType::Complex64), 8u);
  EXPECT_EQ(soastore::dtype_from_name("uint32"), DType::UInt32);
  EXPECT_EQ(soastore::dtype_from_name("object"), std::nullopt);
  EXPECT_EQ(soastore::dtype_from_kind('f', 8), DType::Float64);
  EXPECT_EQ(soastore::dtype_from_kind('b', 1), DType::Bool);
  EXPECT_EQ(soastore::dtype_from_kind('i', 3), std::nullopt);
  EXPECT_EQ(soastore::dtype_of_v<std::complex<double>>, DType::Complex128);
}
