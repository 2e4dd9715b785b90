#include "soastore/array.hpp"

#include <cstring>
#include <limits>

#include "core/buffer.hpp"

namespace soastore {

std::size_t shape_element_count(const Shape& shape) {
  std::size_t count = 1;
  for (std::size_t extent : shape) {
    if (extent != 0 && count > std::numeric_limits<std::size_t>::max() / extent) {
      throw InvalidData("shape " + shape_to_string(shape) + " has more elements than fit in memory");
    }
    count *= extent;
  }
  return count;
}

std::string shape_to_string(const Shape& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i != 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  if (shape.size() == 1) text += ",";
  return text + ")";
}

namespace {

// Every default-constructed (empty) array points here, so creating one costs no allocation
// (SoA::operator[] makes one for each new field before it is assigned).
std::shared_ptr<std::byte> empty_buffer() {
  alignas(4096) static std::byte storage[1];
  return {std::shared_ptr<std::byte>(), storage};
}

}  // namespace

Array::Array() : Array(DType::Float64, Shape{0}, empty_buffer()) {}

Array::Array(DType dtype, Shape shape, std::shared_ptr<std::byte> data)
    : dtype_(dtype), shape_(std::move(shape)), size_(shape_element_count(shape_)), data_(std::move(data)) {
  if (size_ > std::numeric_limits<std::size_t>::max() / dtype_size(dtype_)) {
    throw InvalidData("array of shape " + shape_to_string(shape_) + " does not fit in memory");
  }
}

Array Array::allocate(DType dtype, Shape shape) {
  const std::size_t count = shape_element_count(shape);
  if (count > std::numeric_limits<std::size_t>::max() / dtype_size(dtype)) {
    throw InvalidData("array of shape " + shape_to_string(shape) + " does not fit in memory");
  }
  return Array(dtype, std::move(shape), detail::allocate_buffer(count * dtype_size(dtype)));
}

Array Array::wrap(DType dtype, Shape shape, void* data, std::shared_ptr<const void> owner) {
  // The aliasing constructor shares `owner`'s control block while pointing at `data`.
  std::shared_ptr<std::byte> aliased(std::const_pointer_cast<void>(std::move(owner)), static_cast<std::byte*>(data));
  return Array(dtype, std::move(shape), std::move(aliased));
}

void Array::check_element_type(DType requested) const {
  if (requested != dtype_) {
    throw InvalidData("array of " + describe() + " accessed as " + std::string(dtype_name(requested)));
  }
}

bool Array::shares_memory_with(const Array& other) const noexcept {
  if (nbytes() == 0 || other.nbytes() == 0) return data() == other.data();
  const auto* a = static_cast<const std::byte*>(data());
  const auto* b = static_cast<const std::byte*>(other.data());
  return a < b + other.nbytes() && b < a + nbytes();
}

Array Array::reshaped(Shape shape) const {
  if (shape_element_count(shape) != size_) {
    throw InvalidData("cannot reshape " + describe() + " to " + shape_to_string(shape));
  }
  return Array(dtype_, std::move(shape), data_);
}

std::string Array::describe() const { return std::string(dtype_name(dtype_)) + shape_to_string(shape_); }

bool equal(const Array& a, const Array& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         (a.nbytes() == 0 || std::memcmp(a.data(), b.data(), a.nbytes()) == 0);
}

}  // namespace soastore
