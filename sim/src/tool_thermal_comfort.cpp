// `lauter tool utci --ta C --tmrt C --rh PCT --wind MPS [--output FILE]`: UTCI (Bröde et al.
// 2012) of single values (printed with the stress class) or of rasters (each option a number or
// a raster path; raster out).
#include <lauter/kernels/thermal/utci.hpp>
#include <lauter/sim/commands.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/geotiff_writer.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/raster_input.hpp>
#include <lauter/sim/tool_options.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

namespace lauter::sim {

namespace {

namespace thermal = kernels::thermal;

struct UtciToolState {
    CommonToolOptions common;
    std::string ta;
    std::string tmrt;
    std::string rh;
    std::string wind;
    std::string output;
    std::string stress_output;
};

/// One option: a number, or a raster read onto the grid of the first raster.
struct UtciArgument {
    const char* option;
    const std::string* text;
    std::optional<double> value;
    std::optional<RasterLayer> layer;
};

std::string number_text(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

std::optional<double> parse_number(const std::string& text) {
    double value = 0.0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec == std::errc() && parsed.ptr == text.data() + text.size()) {
        return value;
    }
    return std::nullopt;
}

/// Range checks of single values, each naming the option, the value and the range.
void check_scalar_ranges(const std::array<UtciArgument, 4>& args) {
    using R = thermal::UtciValidRange;
    const auto check = [](const UtciArgument& a, double lo, double hi, const char* what,
                          const char* unit) {
        if (a.value && !(*a.value >= lo && *a.value <= hi)) {
            throw ConfigError(std::string(a.option) + " " + *a.text + ": " + what + " " +
                              number_text(*a.value) + " " + unit +
                              " is outside the valid range of UTCI (Bröde et al. 2012), " +
                              number_text(lo) + " .. " + number_text(hi) + " " + unit);
        }
    };
    check(args[0], R::air_temperature_min_c, R::air_temperature_max_c, "air temperature", "°C");
    check(args[2], R::relative_humidity_min_pct, R::relative_humidity_max_pct,
          "relative humidity", "%");
    check(args[3], R::wind_min_m_per_s, R::wind_max_m_per_s, "10 m wind speed", "m/s");
    if (args[0].value && args[1].value) {
        const double delta = *args[1].value - *args[0].value;
        if (!(delta >= R::delta_tmrt_min_k && delta <= R::delta_tmrt_max_k)) {
            throw ConfigError("--tmrt " + *args[1].text + " with --ta " + *args[0].text +
                              ": T_mrt - T_a = " + number_text(delta) +
                              " K is outside the valid range of UTCI (Bröde et al. 2012), " +
                              number_text(R::delta_tmrt_min_k) + " .. " +
                              number_text(R::delta_tmrt_max_k) + " K");
        }
    }
}

int run_utci_tool(const UtciToolState& s) {
    apply_thread_count(s.common.threads);
    std::array<UtciArgument, 4> args = {{{"--ta", &s.ta, {}, {}},
                                         {"--tmrt", &s.tmrt, {}, {}},
                                         {"--rh", &s.rh, {}, {}},
                                         {"--wind", &s.wind, {}, {}}}};
    bool any_raster = false;
    for (UtciArgument& a : args) {
        a.value = parse_number(*a.text);
        if (!a.value) {
            if (!std::filesystem::is_regular_file(*a.text)) {
                throw ConfigError(std::string(a.option) + " " + *a.text +
                                  ": neither a number nor an existing raster file");
            }
            any_raster = true;
        }
    }
    check_scalar_ranges(args);

    if (!any_raster) {
        if (!s.output.empty() || !s.stress_output.empty()) {
            throw ConfigError("--output/--stress-output need at least one raster input; with "
                              "single values the result is printed");
        }
        const double utci = thermal::utci_c(*args[0].value, *args[1].value, *args[2].value,
                                            *args[3].value);
        std::cout << "UTCI " << std::fixed << std::setprecision(1) << utci << " °C ("
                  << thermal::utci_stress_name(thermal::utci_stress(utci)) << ")\n";
        return exit_ok;
    }
    if (s.output.empty()) {
        throw ConfigError("utci: a raster input needs --output FILE for the UTCI raster");
    }

    const StepTimer timer;
    const std::optional<std::string> crs = assumed_crs(s.common);
    const kernels::GridSpec* grid = nullptr;
    for (UtciArgument& a : args) {
        if (a.value) {
            continue;
        }
        if (grid == nullptr) {
            a.layer = read_raster(*a.text, 1, crs, "--input-crs");
            grid = &a.layer->values.spec();
        } else {
            // Another grid is warped onto the first raster's grid, never used misaligned.
            a.layer = warp_raster_to_grid(*a.text, *grid, Resampling::bilinear, crs, 1,
                                          "--input-crs");
        }
    }
    kernels::CellMask mask(*grid);
    for (const UtciArgument& a : args) {
        if (!a.layer) {
            continue;
        }
        for (std::size_t i = 0; i < a.layer->values.size(); ++i) {
            if (!a.layer->mask.has_data(i)) {
                mask.set(i, kernels::CellStatus::no_data);
            }
        }
    }
    const auto input_of = [](const UtciArgument& a) {
        return a.layer ? thermal::UtciInput::of(a.layer->values.view())
                       : thermal::UtciInput::of(static_cast<float>(*a.value));
    };
    const thermal::UtciInputs inputs{input_of(args[0]), input_of(args[1]), input_of(args[2]),
                                     input_of(args[3])};
    kernels::Raster<float> utci(*grid);
    thermal::UtciWorkspace workspace;
    const thermal::UtciStats stats = thermal::compute_utci(inputs, mask, utci.view(), workspace);
    if (stats.valid_cells == 0 && stats.invalid_cells > 0) {
        throw InputError("utci: all " + std::to_string(stats.invalid_cells) +
                         " cells with data are outside the valid range of UTCI (T_a -50 .. 50 "
                         "°C, T_mrt - T_a -30 .. 70 K, wind 0.5 .. 17 m/s, RH 0 .. 100 %); "
                         "nothing written");
    }
    if (stats.invalid_cells > 0) {
        log_warning("utci: " + std::to_string(stats.invalid_cells) +
                    " cells lie outside the valid range of UTCI (T_a -50 .. 50 °C, T_mrt - T_a "
                    "-30 .. 70 K, wind 0.5 .. 17 m/s, RH 0 .. 100 %) and are written as no-data");
    }
    kernels::CellMask out_mask = mask.clone();
    for (std::size_t i = 0; i < utci.size(); ++i) {
        if (std::isnan(utci[i])) {
            out_mask.set(i, kernels::CellStatus::no_data);
        }
    }
    GeoTiffOptions options = output_options(s.common);
    options.description = "UTCI (Bröde et al. 2012 operational polynomial)";
    options.units = "degC";
    write_geotiff(s.output, utci, out_mask, options);
    if (!s.stress_output.empty()) {
        kernels::Raster<std::uint8_t> stress(*grid);
        thermal::classify_utci_stress(utci.view(), out_mask, stress.view());
        GeoTiffOptions class_options = output_options(s.common);
        class_options.description =
            "UTCI stress class 1 extreme cold .. 6 no thermal stress .. 10 extreme heat";
        class_options.units = "1";
        write_geotiff(s.stress_output, stress, out_mask, class_options);
    }
    log_info("wrote " + s.output + " (" + std::to_string(stats.valid_cells) + " cells, " +
             std::to_string(stats.invalid_cells) + " outside the valid range) in " +
             std::to_string(timer.seconds()) + " s");
    return exit_ok;
}

} // namespace

void add_thermal_comfort_tools(CLI::App& tool, CommandAction& action) {
    auto state = std::make_shared<UtciToolState>();
    CLI::App* cmd = tool.add_subcommand(
        "utci", "UTCI (Bröde et al. 2012) of single values or rasters, with stress classes");
    cmd->add_option("--ta", state->ta, "air temperature, °C: a number or a raster file")
        ->required();
    cmd->add_option("--tmrt", state->tmrt,
                    "mean radiant temperature, °C: a number or a raster file")
        ->required();
    cmd->add_option("--rh", state->rh, "relative humidity, %: a number or a raster file")
        ->required();
    cmd->add_option("--wind", state->wind,
                    "wind speed 10 m above ground, m/s: a number or a raster file")
        ->required();
    cmd->add_option("--output", state->output, "UTCI GeoTIFF (when an input is a raster)");
    cmd->add_option("--stress-output", state->stress_output,
                    "optional GeoTIFF of the ten UTCI stress classes (1..10)");
    add_common_options(*cmd, state->common);
    cmd->callback([&action, state] { action = [state] { return run_utci_tool(*state); }; });
}

} // namespace lauter::sim
