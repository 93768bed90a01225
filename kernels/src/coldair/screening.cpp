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

void check_field(const shallow::CellField& field, const CellMask& mask, const char* what) {
    if (!field.is_raster()) {
        if (!std::isfinite(field.constant) || field.constant < 0.0) {
            throw std::invalid_argument(std::string("ColdAirScreening: ") + what +
                                        " must be finite and >= 0");
        }
        return;
    }
    require_same_shape(mask.spec(), field.per_cell.spec(), "ColdAirScreening");
    for (std::size_t r = 0; r < mask.spec().rows; ++r) {
        for (std::size_t c = 0; c < mask.spec().cols; ++c) {
            const float v = field.per_cell(r, c);
            if (mask.has_data(r, c) && (!std::isfinite(v) || v < 0.0F)) {
                throw std::invalid_argument(std::string("ColdAirScreening: ") + what +
                                            " is negative or not finite at row " +
                                            std::to_string(r) + ", column " + std::to_string(c));
            }
        }
    }
}

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
    check_field(production_, mask, "production");
    check_field(params_.friction, mask, "friction");
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
    const bool open = params_.open_edges;
    const bool parallel = g.cell_count() >= min_cells_for_threads;
    const auto row_count = static_cast<std::ptrdiff_t>(rows);

    const auto has = [&](std::ptrdiff_t r, std::ptrdiff_t c) {
        return g.contains(r, c) &&
               mask_.has_data(static_cast<std::size_t>(r), static_cast<std::size_t>(c));
    };
    const auto surface = [&](std::ptrdiff_t r, std::ptrdiff_t c) {
        const auto ur = static_cast<std::size_t>(r);
        const auto uc = static_cast<std::size_t>(c);
        return static_cast<double>(terrain_(ur, uc)) + h_[ur * cols + uc];
    };
    // The weight of the open edge of a cell: the shares of neighbours outside the data whose
    // opposite neighbour has data and a higher surface (screening.hpp, step 5).
    const auto edge_weight = [&](std::ptrdiff_t r, std::ptrdiff_t c, double s) {
        double w = 0.0;
        for (std::size_t k = 0; k < 8; ++k) {
            if (has(r + neighbour_dr[k], c + neighbour_dc[k])) {
                continue;
            }
            const std::ptrdiff_t orow = r - neighbour_dr[k];
            const std::ptrdiff_t ocol = c - neighbour_dc[k];
            if (has(orow, ocol)) {
                const double d = surface(orow, ocol) - s;
                if (d > 0.0) {
                    w += d * inverse_length[k];
                }
            }
        }
        return w;
    };

    // Pass 1: kinematic speed and total weight of the lower neighbours, from the old state.
#pragma omp parallel for schedule(static) if (parallel)
    for (std::ptrdiff_t r = 0; r < row_count; ++r) {
        double v_max = 0.0;
        for (std::size_t uc = 0; uc < cols; ++uc) {
            const auto c = static_cast<std::ptrdiff_t>(uc);
            const std::size_t i = static_cast<std::size_t>(r) * cols + uc;
            double v = 0.0;
            double w_sum = 0.0;
            if (mask_.has_data(i) && h_[i] > 0.0) {
                const double s = surface(r, c);
                for (std::size_t k = 0; k < 8; ++k) {
                    const std::ptrdiff_t nr = r + neighbour_dr[k];
                    const std::ptrdiff_t nc = c + neighbour_dc[k];
                    if (has(nr, nc)) {
                        const double d = s - surface(nr, nc);
                        if (d > 0.0) {
                            w_sum += d * inverse_length[k];
                        }
                    }
                }
                if (open) {
                    w_sum += edge_weight(r, c, s);
                }
                if (w_sum > 0.0) {
                    // Differences towards the four edge neighbours, mirrored where one is
                    // missing (screening.hpp, step 2): k = 0 north, 2 east, 4 south, 6 west.
                    std::array<double, 4> dz{};
                    for (std::size_t j = 0; j < 4; ++j) {
                        const std::size_t k = 2 * j;
                        const std::ptrdiff_t nr = r + neighbour_dr[k];
                        const std::ptrdiff_t nc = c + neighbour_dc[k];
                        if (has(nr, nc)) {
                            dz[j] = surface(nr, nc) - s;
                        } else if (has(r - neighbour_dr[k], c - neighbour_dc[k])) {
                            dz[j] = s - surface(r - neighbour_dr[k], c - neighbour_dc[k]);
                        }
                    }
                    const double grad_ns = (dz[0] - dz[2]) / (2.0 * dx);
                    const double grad_ew = (dz[1] - dz[3]) / (2.0 * dx);
                    const double slope = std::atan(std::hypot(grad_ns, grad_ew));
                    v = screening_velocity_m_per_s(g_reduced_, h_[i], slope,
                                                   params_.friction.at(static_cast<std::size_t>(r),
                                                                       uc));
                }
            }
            velocity_[i] = v;
            share_[i] = w_sum;
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

    // Pass 2: the outflow of each moving cell per unit weight; the open-edge part leaves.
#pragma omp parallel for schedule(static) if (parallel)
    for (std::ptrdiff_t r = 0; r < row_count; ++r) {
        double outflow = 0.0;
        for (std::size_t uc = 0; uc < cols; ++uc) {
            const std::size_t i = static_cast<std::size_t>(r) * cols + uc;
            if (!(velocity_[i] > 0.0)) {
                share_[i] = 0.0;
                continue;
            }
            const double out = std::min(h_[i], h_[i] * velocity_[i] * dt / dx);
            share_[i] = out / share_[i];
            if (open) {
                const auto c = static_cast<std::ptrdiff_t>(uc);
                outflow += share_[i] * edge_weight(r, c, surface(r, c)) * area_m2;
            }
        }
        row_partials_[2 * static_cast<std::size_t>(r) + 1] = outflow;
    }

    // Pass 3: gather, so that every cell is written by one thread only.
#pragma omp parallel for schedule(static) if (parallel)
    for (std::ptrdiff_t r = 0; r < row_count; ++r) {
        double row_production = 0.0;
        for (std::size_t uc = 0; uc < cols; ++uc) {
            const auto c = static_cast<std::ptrdiff_t>(uc);
            const std::size_t i = static_cast<std::size_t>(r) * cols + uc;
            if (!mask_.has_data(i)) {
                h_next_[i] = 0.0;
                continue;
            }
            const double s = surface(r, c);
            double h = h_[i];
            if (velocity_[i] > 0.0) {
                h -= std::min(h_[i], h_[i] * velocity_[i] * dt / dx);
            }
            for (std::size_t k = 0; k < 8; ++k) {
                const std::ptrdiff_t nr = r + neighbour_dr[k];
                const std::ptrdiff_t nc = c + neighbour_dc[k];
                if (!has(nr, nc)) {
                    continue;
                }
                const std::size_t j = static_cast<std::size_t>(nr) * cols +
                                      static_cast<std::size_t>(nc);
                if (share_[j] > 0.0) {
                    const double d = surface(nr, nc) - s;
                    if (d > 0.0) {
                        h += share_[j] * d * inverse_length[k];
                    }
                }
            }
            const double p_m_per_s = production_.at(static_cast<std::size_t>(r), uc) / 3600.0;
            h_next_[i] = h + p_m_per_s * dt;
            row_production += p_m_per_s * dt * area_m2;
        }
        row_partials_[2 * static_cast<std::size_t>(r)] = row_production;
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
