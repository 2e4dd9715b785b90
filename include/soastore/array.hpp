#pragma once
// soastore::Array: a contiguous, C-ordered n-d array with shared ownership of its bytes.
//
// Copying an Array copies a handle, never the data: every copy sees the same bytes. That is what
// lets a store keep a caller's array without a copy (as the reference does with numpy arrays), and
// what lets the Python bindings hand buffers to numpy and back: `wrap` adopts memory someone else
// owns and keeps that owner alive for as long as any handle exists.

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "soastore/dtype.hpp"
#include "soastore/errors.hpp"

namespace soastore {

using Shape = std::vector<std::size_t>;

class Array {
 public:
  // An empty 1-D float64 array of length 0.
  Array();

  // Fresh, uninitialised memory for `shape` elements of `dtype`, aligned to at least 16 bytes
  // (as numpy's arrays). Below 4 MiB it comes from malloc unpadded, like numpy's, so a loop of
  // reads costs no more resident memory than numpy; from 4 MiB on it is a mapping of its own,
  // 2 MiB aligned and marked for transparent huge pages, for fast first touch (see
  // src/core/buffer.hpp).
  static Array allocate(DType dtype, Shape shape);
  // Adopts `data`, which `owner` keeps alive; no copy. `owner` may be null for memory that
  // outlives every handle (static data).
  static Array wrap(DType dtype, Shape shape, void* data, std::shared_ptr<const void> owner);
  // Takes the vector's elements as a 1-D array (moved in when given an rvalue, copied otherwise).
  template <class T>
  static Array from(std::vector<T> values);
  // Same with an explicit shape whose element count must equal values.size().
  template <class T>
  static Array from(std::vector<T> values, Shape shape);

  [[nodiscard]] DType dtype() const noexcept { return dtype_; }
  [[nodiscard]] const Shape& shape() const noexcept { return shape_; }
  [[nodiscard]] std::size_t ndim() const noexcept { return shape_.size(); }
  // Number of elements (product of the shape; 1 for a 0-d array).
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t itemsize() const noexcept { return dtype_size(dtype_); }
  [[nodiscard]] std::size_t nbytes() const noexcept { return size_ * itemsize(); }

  [[nodiscard]] void* data() noexcept { return data_.get(); }
  [[nodiscard]] const void* data() const noexcept { return data_.get(); }
  [[nodiscard]] std::span<std::byte> bytes() noexcept { return {data_.get(), nbytes()}; }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return {data_.get(), nbytes()}; }

  // Typed view of all elements; throws InvalidData when T is not this array's element type.
  template <class T>
  [[nodiscard]] std::span<T> as();
  template <class T>
  [[nodiscard]] std::span<const T> as() const;

  // The keep-alive of the bytes: whoever holds it keeps data() valid (used by the bindings).
  [[nodiscard]] std::shared_ptr<const void> owner() const noexcept { return data_; }
  // True when both handles point at the same bytes (a store kept the caller's buffer).
  [[nodiscard]] bool shares_memory_with(const Array& other) const noexcept;
  // A handle to the same bytes viewed with another shape of the same element count.
  [[nodiscard]] Array reshaped(Shape shape) const;

  // Human-readable "float32[1000, 3]" for messages.
  [[nodiscard]] std::string describe() const;

 private:
  Array(DType dtype, Shape shape, std::shared_ptr<std::byte> data);
  void check_element_type(DType requested) const;

  DType dtype_;
  Shape shape_;
  std::size_t size_;
  std::shared_ptr<std::byte> data_;  // aliasing pointer: points at element 0, owns the buffer
};

// Element count of a shape, throwing InvalidData when the product overflows size_t.
[[nodiscard]] std::size_t shape_element_count(const Shape& shape);
[[nodiscard]] std::string shape_to_string(const Shape& shape);
// Byte-for-byte equality of dtype, shape and contents.
[[nodiscard]] bool equal(const Array& a, const Array& b);

template <class T>
Array Array::from(std::vector<T> values) {
  Shape shape{values.size()};
  return from(std::move(values), std::move(shape));
}

template <class T>
Array Array::from(std::vector<T> values, Shape shape) {
  static_assert(!std::is_same_v<T, bool>, "std::vector<bool> is not contiguous; use uint8_t or Array::allocate(DType::Bool, ...)");
  if (shape_element_count(shape) != values.size()) {
    throw InvalidData("Array::from: shape " + shape_to_string(shape) + " does not hold " +
                      std::to_string(values.size()) + " values");
  }
  auto holder = std::make_shared<std::vector<T>>(std::move(values));
  return wrap(dtype_of_v<T>, std::move(shape), holder->data(), holder);
}

template <class T>
std::span<T> Array::as() {
  check_element_type(dtype_of_v<T>);
  return {static_cast<T*>(data()), size_};
}

template <class T>
std::span<const T> Array::as() const {
  check_element_type(dtype_of_v<T>);
  return {static_cast<const T*>(data()), size_};
}

}  // namespace soastore
