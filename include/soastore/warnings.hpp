#pragma once
// Warnings: things a caller should hear of although the call succeeded (a spill that failed and
// kept its value in memory). By default each is one line on stderr; a program can route them
// elsewhere, as the Python bindings do (to Python's warnings module, as soastore.StoreWarning).

#include <functional>
#include <string>

namespace soastore {

using WarningHandler = std::function<void(const std::string& message)>;

// Installs `handler` (an empty one restores the default, stderr) and returns the previous one.
// Handlers run on the thread of the store call that warns.
WarningHandler set_warning_handler(WarningHandler handler);

// Hands `message` to the handler. Never throws: an exception from a handler is dropped, because
// a warning must not abort the operation that issued it.
void warn(const std::string& message) noexcept;

}  // namespace soastore
