#pragma once
// Helpers shared by the tests: a temporary directory that cleans up after itself, running a
// command with its exit code and output, and the paths of the repository and the built executable.

#include <filesystem>
#include <string>

namespace lauter::test {

/// A fresh directory under the system temporary directory, removed with its content on destruction.
class TempDir {
public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

struct CommandResult {
    int exit_code = -1;
    std::string out; ///< standard output
    std::string err; ///< standard error
};

/// Runs `command` through /bin/sh with stdout and stderr captured separately.
CommandResult run_command(const std::string& command);

/// Single-quotes `text` for /bin/sh.
std::string shell_quote(const std::string& text);

/// The repository root (for inputs/ and scenarios/).
std::filesystem::path source_dir();
/// The built `lauter` executable.
std::filesystem::path lauter_executable();

/// Writes `content` to `path` (creating parent directories).
void write_text_file(const std::filesystem::path& path, const std::string& content);
/// Reads a whole file; empty string if it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

} // namespace lauter::test
