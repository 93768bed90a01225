#pragma once
/// @file error.hpp
/// Errors raised by sim/ (I/O, scenarios, orchestration). main() maps them to exit codes:
/// bad input (ConfigError, InputError) -> 2, runtime failure -> 1.
/// Every message says what is wrong, where (file, line, key path, layer) and what to do.

#include <stdexcept>
#include <string>

namespace lauter::sim {

/// Exit codes of the lauter executable.
enum ExitCode : int {
    exit_ok = 0,
    exit_runtime_failure = 1,
    exit_bad_input = 2,
};

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A scenario or option is wrong: unknown key, wrong type, value out of range.
class ConfigError : public Error {
public:
    using Error::Error;
};

/// An input file is missing, unreadable, lacks a CRS, does not cover the study area, ...
class InputError : public Error {
public:
    using Error::Error;
};

/// A computation failed at run time (numerical failure, out of memory, disk full).
class RuntimeFailure : public Error {
public:
    using Error::Error;
};

} // namespace lauter::sim
