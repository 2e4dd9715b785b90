#include "soastore/errors.hpp"

#include "core/describe_exception.hpp"

namespace soastore {

void throw_error(ErrorKind kind, const std::string& message, const ErrorDetails& details) {
  switch (kind) {
#define SOASTORE_THROW_KIND(Class, PythonName, PythonBase, Description) \
  case ErrorKind::Class:                                                 \
    throw Class(message, details);
    SOASTORE_ERROR_KINDS(SOASTORE_THROW_KIND)
#undef SOASTORE_THROW_KIND
    case ErrorKind::Generic: break;
  }
  throw Error(message, details);
}

void throw_with_context(const Error& error, const std::string& context) {
  throw_error(error.kind(), context + error.what(), error.details());
}

std::string describe_exception(const std::exception_ptr& error) {
  if (!error) return "no error";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace soastore
