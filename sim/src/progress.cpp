#include "lauter/sim/progress.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>

namespace lauter::sim {

namespace {
std::atomic<bool> quiet_flag{false};

std::string format_duration(double seconds) {
    char buf[32];
    if (seconds < 60.0) {
        std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    } else {
        const auto total = static_cast<long>(seconds + 0.5);
        std::snprintf(buf, sizeof buf, "%ld:%02ld min", total / 60, total % 60);
    }
    return buf;
}
} // namespace

void set_quiet(bool quiet) noexcept { quiet_flag.store(quiet); }
bool is_quiet() noexcept { return quiet_flag.load(); }

void log_info(const std::string& message) {
    if (!is_quiet()) {
        std::cerr << "lauter: " << message << '\n';
    }
}

void log_warning(const std::string& message) { std::cerr << "lauter: warning: " << message << '\n'; }

Progress::Progress(std::string label, std::size_t total_units)
    : label_(std::move(label)), total_(total_units == 0 ? 1 : total_units),
      on_terminal_(isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
    if (!finished_) {
        finish();
    }
}

void Progress::advance(std::size_t units) {
    done_ = std::min(total_, done_ + units);
    draw(false);
}

void Progress::finish() {
    if (finished_) {
        return;
    }
    finished_ = true;
    done_ = total_;
    draw(true);
}

void Progress::draw(bool final_line) {
    if (is_quiet()) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
    if (final_line) {
        if (on_terminal_) {
            std::cerr << '\r' << std::string(78, ' ') << '\r';
        }
        std::cerr << "lauter: " << label_ << ": done in " << format_duration(elapsed) << '\n';
        return;
    }
    if (on_terminal_) {
        if (std::chrono::duration<double>(now - last_draw_).count() < 0.1) {
            return;
        }
        last_draw_ = now;
        constexpr int width = 30;
        const int filled = static_cast<int>(fraction * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.append(static_cast<std::size_t>(width - filled), '.');
        std::string eta = "?";
        if (fraction > 0.0) {
            eta = format_duration(elapsed * (1.0 - fraction) / fraction);
        }
        char pct[16];
        std::snprintf(pct, sizeof pct, "%3.0f%%", 100.0 * fraction);
        std::cerr << "\rlauter: " << label_ << " [" << bar << "] " << pct << " ETA " << eta
                  << "   " << std::flush;
        return;
    }
    const auto decile = static_cast<std::size_t>(fraction * 10.0);
    if (decile > last_reported_decile_ && decile < 10) {
        last_reported_decile_ = decile;
        std::cerr << "lauter: " << label_ << ": " << decile * 10 << " % after "
                  << format_duration(elapsed) << '\n';
    }
}

} // namespace lauter::sim
