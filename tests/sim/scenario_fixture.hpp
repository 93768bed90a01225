#pragma once
// Helpers for the scenario and schema tests: a fresh temporary directory with small fake input
// files, and a way to capture the message of an expected ConfigError.

#include <lauter/sim/error.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

namespace lauter::test {

/// A fresh directory under the system temporary directory, removed on destruction.
class TempDir {
public:
    explicit TempDir(const std::string& label) {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("lauter_" + label + "_" + std::to_string(::getpid()) + "_" +
                 std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        // Restore permissions first so that chmod-000 test files can be removed.
        for (const auto& entry : std::filesystem::recursive_directory_iterator(path_, ec)) {
            std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_all,
                                         std::filesystem::perm_options::add, ec);
        }
        std::filesystem::remove_all(path_, ec);
    }

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

    /// Writes `text` to a file below the directory (creating parent directories).
    std::filesystem::path write(const std::string& relative, const std::string& text) const {
        const std::filesystem::path file = path_ / relative;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream out(file, std::ios::binary);
        out << text;
        return file;
    }

private:
    std::filesystem::path path_;
};

/// Runs `f` and returns the what() of the ConfigError it throws ("" if it throws nothing).
template <typename F> std::string config_error_of(F&& f) {
    try {
        f();
    } catch (const lauter::sim::ConfigError& e) {
        return e.what();
    }
    return {};
}

} // namespace lauter::test
