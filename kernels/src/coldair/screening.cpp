// Kinematic cold-air screening (SAGA "Cold Air Flow" scheme); see screening.hpp.
#include <lauter/kernels/coldair/screening.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>

namespace lauter::kernels::coldair {

namespace {

constexpr double kelvin_offset = 273.15;

/// The eight neighbours: row and column offsets; the opposite of k is (k + 4) % 8.
constexpr std::array<int, 8> neighbour_dr = {-1, -1, 0, 1, 1, 1, 0, -1};
constexpr std::array<int, 8> neighbour_dc = {0, 1, 1, 1, 0, -1, -1, -1};

/// Below this many cells the passes run on one thread (same result either way).
constexpr std::size_t min_cells_for_threads = 16384;

} // namespace

void validate(const ScreeningParams& p) {
    std::string bad;
    auto require = [&bad](bool ok, const std::string& what) {
        if (!ok) {
            bad += (bad.empty() ? "" : "; ") + what;
        }
    };
    require(std::isfinite(p.ambient_temperature_c) && p.ambient_temperature_c > -kelvin_offset,
            "ambient_temperature_c must be above absolute zero");
    require(std::isfinite(p.cold_air_temperature_c) &&
                p.cold_air_temperature_c < p.ambient_temperature_c &&
                p.cold_air_temperature_c > -kelvin_offset,
            "cold_air_temperature_c must be below ambient_temperature_c and above absolute zero");
    require(p.delay >= 0.01 && p.delay <= 1.0, "delay must be in [0.01, 1]");
    require(std::isfinite(p.initial_time_step_s) && p.initial_time_step_s > 0.0,
            "initial_time_step_s must be > 0");
    require(std::isfinite(p.duration_s) && p.duration_s > 0.0, "duration_s must be > 0");
    double previous = 0.0;
    for (double t : p.output_times_s) {
        if (!(t > previous) || !(t <= p.duration_s)) {
            require(false, "output time " + std::to_string(t) +
                               " s must be ascending, > 0 and <= duration_s");
            break;
        }
        previous = t;
    }
    if (!p.friction.is_raster()) {
        require(std::isfinite(p.friction.constant) && p.friction.constant > 0.0,
                "friction must be > 0");
    }
    if (!bad.empty()) {
        throw std::invalid_argument("cold-air screening parameters: " + bad);
    }
}

double screening_reduced_gravity_m_per_s2(double ambient_temperature_c,
                                          double cold_air_temperature_c) noexcept {
    return shallow::standard_gravity_m_per_s2 * (ambient_temperature_c - cold_air_temperature_c) /
           (ambient_temperature_c + kelvin_offset);
}

double screening_velocity_m_per_s(double reduced_gravity_m_per_s2, double height_m,
                                  double slope_rad, double friction) noexcept {
    if (!(height_m > 0.0) || !(friction > 0.0) || !(slope_rad > 0.0)) {
        return 0.0;
    }
    return std::sqrt(reduced_gravity_m_per_s2 * (height_m / friction) * std::sin(slope_rad));
}

ColdAirScreening::ColdAirScreening(RasterView<const float> terrain_m, const CellMask& mask,
                                   shallow::CellField production_m3_per_m2_h,
                                   ScreeningParams params, RasterView<const float> initial)
    : terrain_(terrain_m), mask_(mask), production_(production_m3_per_m2_h),
      params_(std::move(params)) {
    validate(params_);
    const GridSpec& g = mask.spec();
    require_same_shape(g, terrain_m.spec(), "ColdAirScreening (terrain)");
    if (g.cell_size_x_m != g.cell_size_y_m) {
        throw std::invalid_argument("ColdAirScreening: needs square cells (the SAGA scheme uses "
                                    "one cell size)");
    }
    shallow::require_non_negative(production_, mask, "ColdAirScreening", "production");
    shallow::require_non_negative(params_.friction, mask, "ColdAirScreening", "friction");
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (mask.has_data(r, c) && !std::isfinite(terrain_m(r, c))) {
                throw std::invalid_argument("ColdAirScreening: terrain is not finite at row " +
                                            std::to_string(r) + ", column " + std::to_string(c));
            }
        }
    }
    g_reduced_ = screening_reduced_gravity_m_per_s2(params_.ambient_temperature_c,
                                                    params_.cold_air_temperature_c);
    const std::size_t n = g.cell_count();
    h_.assign(n, 0.0);
    h_next_.assign(n, 0.0);
    share_.assign(n, 0.0);
    velocity_.assign(n, 0.0);
    surface_.assign(n, 0.0);
    neighbours_.assign(n, 0);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            std::uint8_t flags = 0;
            for (std::size_t k = 0; k < 8; ++k) {
                const std::ptrdiff_t nr = static_cast<std::ptrdiff_t>(r) + neighbour_dr[k];
                const std::ptrdiff_t nc = static_cast<std::ptrdiff_t>(c) + neighbour_dc[k];
                if (g.contains(nr, nc) &&
                    mask.has_data(static_cast<std::size_t>(nr), static_cast<std::size_t>(nc))) {
                    flags = static_cast<std::uint8_t>(flags | (1U << k));
                }
            }
            neighbours_[g.index(r, c)] = flags;
        }
    }
    row_partials_.assign(2 * g.rows, 0.0);
    if (initial.data() != nullptr) {
        require_same_shape(g, initial.spec(), "ColdAirScreening (initial height)");
        for (std::size_t r = 0; r < g.rows; ++r) {
            for (std::size_t c = 0; c < g.cols; ++c) {
                if (!mask.has_data(r, c)) {
                    continue;
                }
                const float h0 = initial(r, c);
                if (!std::isfinite(h0) || h0 < 0.0F) {
                    throw std::invalid_argument(
                        "ColdAirScreening: initial height is negative or not finite at row " +
                        std::to_string(r) + ", column " + std::to_string(c));
                }
                h_[g.index(r, c)] = static_cast<double>(h0);
            }
        }
    }
    balance_.initial_storage_m3 = stored_volume();
    balance_.storage_m3 = balance_.initial_storage_m3;
}

double ColdAirScreening::stored_volume() const {
    double storage = 0.0;
    for (std::size_t i = 0; i < h_.size(); ++i) {
        storage += h_[i];
    }
    return storage * mask_.spec().cell_area_m2();
}

double ColdAirScreening::step(double dt_limit_s) {
    const GridSpec& g = mask_.spec();
    const std::size_t rows = g.rows;
    const std::size_t cols = g.cols;
    const double dx = g.cell_size_x_m;
    const double area_m2 = g.cell_area_m2();
    const double straight = 1.0 / dx;
    const double diagonal = 1.0 / (dx * std::numbers::sqrt2);
    const std::array<double, 8> inverse_length = {straight, diagonal, straight, diagonal,
                                                  straight, diagonal, straight, diagonal};
    const auto stride = static_cast<std::ptrdiff_t>(cols);
    std::array<std::ptrdiff_t, 8> offset{};
    for (std::size_t k = 0; k < 8; ++k) {
        offset[k] = neighbour_dr[k] * stride + neighbour_dc[k];
    }
    const bool open = params_.open_edges;
    const bool parallel = g.cell_count() >= min_cells_for_threads;
    const auto row_count = static_cast<std::ptrdiff_t>(rows);
    const double* h_old = h_.data();
    double* surf = surface_.data();
    const std::uint8_t* nb = neighbours_.data();

    // The open-edge weight of a cell: the shares of missing neighbours whose opposite neighbour
    // has data and a higher surface (screening.hpp, step 5).
    const auto edge_weight = [&](std::ptrdiff_t i) {
        double w = 0.0;
        const std::uint8_t flags = nb[i];
        for (std::size_t k = 0; k < 8; ++k) {
            const std::size_t opposite = (k + 4) % 8;
            if ((flags >> k & 1U) == 0U && (flags >> opposite & 1U) != 0U) {
                const double d = surf[i - offset[k]] - surf[i];
                if (d > 0.0) {
                    w += d * inverse_length[k];
                }
            }
        }
        return w;
    };

    // Pass 0: the air surface of the old state.
#pragma omp parallel for schedule(static) if (parallel)
    for (std::ptrdiff_t r = 0; r < row_count; ++r) {
        const auto ur = static_cast<std::size_t>(r);
        for (std::size_t c = 0; c < cols; ++c) {
            const std::size_t i = ur * cols + c;
            surf[i] = mask_.has_data(i) ? static_cast<double>(terrain_(ur, c)) + h_old[i] : 0.0;
        }
    }

    // Pass 1: kinematic speed and total weight of the lower neighbours.
#pragma omp parallel for schedule(static) if (parallel)
    for (std::ptrdiff_t r = 0; r < row_count; ++r) {
        double v_max = 0.0;
        for (std::ptrdiff_t i = r * stride; i < (r + 1) * stride; ++i) {
            const auto ui = static_cast<std::size_t>(i);
            double v = 0.0;
            double w_sum = 0.0;
            if (h_old[ui] > 0.0 && mask_.has_data(ui)) {
                const double s = surf[i];
                const std::uint8_t flags = nb[i];
                if (flags == 0xFFU) {
                    // Interior: branch-free (adding +0 for a higher neighbour changes nothing).
                    for (std::size_t k = 0; k < 8; ++k) {
                        w_sum += std::max(s - surf[i + offset[k]], 0.0) * inverse_length[k];
                    }
                } else {
                    for (std::size_t k = 0; k < 8; ++k) {
                        if ((flags >> k & 1U) != 0U) {
                            const double d = s - surf[i + offset[k]];
                            if (d > 0.0) {
                                w_sum += d * inverse_length[k];
                            }
                        }
                    }
                }
                if (open && flags != 0xFFU) {
                    w_sum += edge_weight(i);
                }
                if (w_sum > 0.0) {
                    // Differences towards the four edge neighbours (k = 0 N, 2 E, 4 S, 6 W),
                    // mirrored where one is missing (screening.hpp, step 2).
                    std::array<double, 4> dz{};
                    for (std::size_t j = 0; j < 4; ++j) {
                        const std::size_t k = 2 * j;
                        const std::size_t opposite = (k + 4) % 8;
                        if ((flags >> k & 1U) != 0U) {
                            dz[j] = surf[i + offset[k]] - s;
                        } else if ((flags >> opposite & 1U) != 0U) {
                            dz[j] = s - surf[i - offset[k]];
                        }
                    }
                    const double grad_ns = (dz[0] - dz[2]) / (2.0 * dx);
                    const double grad_ew = (dz[1] - dz[3]) / (2.0 * dx);
                    // sin(atan t) = t / sqrt(1 + t^2), so sin^2 = t^2 / (1 + t^2).
                    const double t2 = grad_ns * grad_ns + grad_ew * grad_ew;
                    const double sin_slope = std::sqrt(t2 / (1.0 + t2));
                    const double f = params_.friction.at(static_cast<std::size_t>(r),
                                                         ui - static_cast<std::size_t>(r) * cols);
                    if (f > 0.0 && sin_slope > 0.0) {
                        v = std::sqrt(g_reduced_ * (h_old[ui] / f) * sin_slope);
                    }
                }
            }
            velocity_[ui] = v;
            share_[ui] = w_sum;
            v_max = std::max(v_max, v);
        }
        row_partials_[2 * static_cast<std::size_t>(r)] = v_max;
    }
    double v_max = 0.0;
    for (std::size_t r = 0; r < rows; ++r) {
        v_max = std::max(v_max, row_partials_[2 * r]);
    }
    double candidate = 0.0;
    if (v_max > 0.0) {
        candidate = params_.delay * dx / v_max;
    } else {
        candidate = balance_.step_count == 0 ? params_.initial_time_step_s : 2.0 * dt_s_;
    }
    dt_s_ = candidate;
    const double dt = std::min(candidate, dt_limit_s);
    const double advance = dt / dx;

    // Pass 2: the outflow of each moving cell per unit weight; the open-edge part leaves.
#pragma omp parallel for schedule(static) if (parallel)
    for (std::ptrdiff_t r = 0; r < row_count; ++r) {
        double outflow = 0.0;
        for (std::ptrdiff_t i = r * stride; i < (r + 1) * stride; ++i) {
            const auto ui = static_cast<std::size_t>(i);
            if (!(velocity_[ui] > 0.0)) {
                share_[ui] = 0.0;
                continue;
            }
            const double out = std::min(h_old[ui], h_old[ui] * velocity_[ui] * advance);
            share_[ui] = out / share_[ui];
            if (open && nb[i] != 0xFFU) {
                outflow += share_[ui] * edge_weight(i) * area_m2;
            }
        }
        row_partials_[2 * static_cast<std::size_t>(r) + 1] = outflow;
    }

    // Pass 3: gather, so that every cell is written by one thread only.
#pragma omp parallel for schedule(static) if (parallel)
    for (std::ptrdiff_t r = 0; r < row_count; ++r) {
        double row_production = 0.0;
        const auto ur = static_cast<std::size_t>(r);
        for (std::ptrdiff_t i = r * stride; i < (r + 1) * stride; ++i) {
            const auto ui = static_cast<std::size_t>(i);
            if (!mask_.has_data(ui)) {
                h_next_[ui] = 0.0;
                continue;
            }
            const double s = surf[i];
            double h = h_old[ui];
            if (velocity_[ui] > 0.0) {
                h -= std::min(h_old[ui], h_old[ui] * velocity_[ui] * advance);
            }
            const std::uint8_t flags = nb[i];
            if (flags == 0xFFU) {
                // Interior: branch-free; a neighbour that sends nothing (share 0) or lies lower
                // adds +0.
                for (std::size_t k = 0; k < 8; ++k) {
                    const std::ptrdiff_t j = i + offset[k];
                    h += share_[static_cast<std::size_t>(j)] * std::max(surf[j] - s, 0.0) *
                         inverse_length[k];
                }
            } else {
                for (std::size_t k = 0; k < 8; ++k) {
                    if ((flags >> k & 1U) == 0U) {
                        continue;
                    }
                    const std::ptrdiff_t j = i + offset[k];
                    const double share = share_[static_cast<std::size_t>(j)];
                    if (share > 0.0) {
                        const double d = surf[j] - s;
                        if (d > 0.0) {
                            h += share * d * inverse_length[k];
                        }
                    }
                }
            }
            const double p_m_per_s =
                production_.at(ur, ui - ur * cols) / 3600.0;
            h_next_[ui] = h + p_m_per_s * dt;
            row_production += p_m_per_s * dt * area_m2;
        }
        row_partials_[2 * ur] = row_production;
    }
    double step_production = 0.0;
    double step_outflow = 0.0;
    for (std::size_t r = 0; r < rows; ++r) {
        step_production += row_partials_[2 * r];
        step_outflow += row_partials_[2 * r + 1];
    }
    h_.swap(h_next_);
    balance_.time_s += dt;
    balance_.production_m3 += step_production;
    balance_.outflow_m3 += step_outflow;
    balance_.last_dt_s = dt;
    ++balance_.step_count;
    return dt;
}

void ColdAirScreening::advance_to(double until_s) {
    const double end = std::min(until_s, params_.duration_s);
    while (balance_.time_s < end) {
        step(end - balance_.time_s);
        if (end - balance_.time_s <= 1e-9 * std::max(1.0, end)) {
            balance_.time_s = end;
        }
    }
    balance_.storage_m3 = stored_volume();
    balance_.residual_m3 = balance_.production_m3 - balance_.outflow_m3 -
                           (balance_.storage_m3 - balance_.initial_storage_m3);
}

std::vector<ScreeningSnapshot> ColdAirScreening::run() {
    std::vector<ScreeningSnapshot> out;
    for (double t : params_.output_times_s) {
        if (t < balance_.time_s) {
            continue;
        }
        advance_to(t);
        out.push_back(snapshot());
    }
    advance_to(params_.duration_s);
    return out;
}

ScreeningSnapshot ColdAirScreening::snapshot() const {
    const GridSpec& g = mask_.spec();
    ScreeningSnapshot s;
    s.time_s = balance_.time_s;
    s.height_m = Raster<float>(g, no_data_value<float>);
    s.velocity_m_per_s = Raster<float>(g, no_data_value<float>);
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        if (mask_.has_data(i)) {
            s.height_m[i] = static_cast<float>(h_[i]);
            s.velocity_m_per_s[i] = static_cast<float>(velocity_[i]);
        }
    }
    return s;
}

} // namespace lauter::kernels::coldair
