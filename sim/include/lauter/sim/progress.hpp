#pragma once
/// @file progress.hpp
/// Messages and progress on stderr. On a terminal a progress bar with an ETA is redrawn in place;
/// otherwise (logs, CI) plain lines are printed at most every 10 %. --quiet silences both.
/// Kernels never log: sim/ calls these between kernel calls.

#include <chrono>
#include <cstddef>
#include <string>

namespace lauter::sim {

/// Process-wide verbosity, set once by the CLI.
void set_quiet(bool quiet) noexcept;
[[nodiscard]] bool is_quiet() noexcept;

/// One informational line on stderr ("lauter: ..."), unless quiet.
void log_info(const std::string& message);
/// One warning line on stderr; printed even when quiet.
void log_warning(const std::string& message);

/// Progress of one long step with a known number of work units.
class Progress {
public:
    Progress(std::string label, std::size_t total_units);
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress();

    /// Marks `units` more units as done (call from one thread only).
    void advance(std::size_t units = 1);
    /// Ends the step and prints its duration.
    void finish();

private:
    void draw(bool final_line);

    std::string label_;
    std::size_t total_;
    std::size_t done_ = 0;
    std::size_t last_reported_decile_ = 0;
    bool finished_ = false;
    bool on_terminal_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

/// Wall-clock timer for log lines ("took 1.23 s").
class StepTimer {
public:
    StepTimer() : start_(std::chrono::steady_clock::now()) {}
    [[nodiscard]] double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    std::chrono::steady_clock::time_point start_;
};

} // namespace lauter::sim
