#pragma once
// The text of a failure held in an exception_ptr, for code that reports a failure without
// rethrowing it (a warning, a message at close). Internal: not part of the public API.

#include <exception>
#include <string>

namespace soastore {

// what() of the exception `error` holds; "unknown error" for one that is no std::exception, and
// "no error" for a null `error`.
[[nodiscard]] std::string describe_exception(const std::exception_ptr& error);

}  // namespace soastore
