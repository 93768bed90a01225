#pragma once
/// @file commands.hpp
/// The subcommands of the `lauter` executable. Each add_* function declares a subcommand with its
/// options and help; when the subcommand is chosen, parsing stores in `action` the work to run, so
/// that main() runs it inside one place that maps errors to exit codes.

#include <CLI/CLI.hpp>

#include <functional>

namespace lauter::sim {

using CommandAction = std::function<int()>;

void add_run_command(CLI::App& app, CommandAction& action);
/// `lauter batch` (sim/src/command_batch.cpp).
void add_batch_command(CLI::App& app, CommandAction& action);
void add_info_command(CLI::App& app, CommandAction& action);
void add_export_command(CLI::App& app, CommandAction& action);
void add_tool_command(CLI::App& app, CommandAction& action);
void add_schema_command(CLI::App& app, CommandAction& action);
/// `lauter report`: runs viz/report.py (sim/src/command_report.cpp).
void add_report_command(CLI::App& app, CommandAction& action);

/// `lauter tool svf` and `lauter tool shadow` (sim/src/tool_thermal_geometry.cpp).
void add_thermal_geometry_tools(CLI::App& tool, CommandAction& action);
/// `lauter tool utci` (tool_thermal_comfort.cpp).
void add_thermal_comfort_tools(CLI::App& tool, CommandAction& action);
/// `lauter tool bike-speed` and `lauter tool route` (sim/src/tool_mobility.cpp).
void add_mobility_tools(CLI::App& tool, CommandAction& action);
/// `lauter tool coldair` (sim/src/tool_coldair.cpp).
void add_coldair_tools(CLI::App& tool, CommandAction& action);

/// Adds the --threads option (0 = OpenMP's default, all cores) to a command.
void add_threads_option(CLI::App& cmd, int& threads);

/// Applies --threads (0 = OpenMP's default, all cores) to every parallel region that follows.
void apply_thread_count(int threads);

} // namespace lauter::sim
