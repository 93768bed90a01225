// The shallow cold-air layer on the shared local-inertial solver; see layer.hpp.
#include <lauter/kernels/coldair/layer.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace lauter::kernels::coldair {

double reduced_gravity_m_per_s2(double deficit_k, double ambient_temperature_k) noexcept {
    return shallow::standard_gravity_m_per_s2 * deficit_k / ambient_temperature_k;
}

shallow::LocalInertialParams default_cold_air_solver() {
    shallow::LocalInertialParams p;
    p.friction_law = shallow::FrictionLaw::quadratic_drag;
    p.friction_coefficient = shallow::CellField::uniform(0.01);
    p.gravity_m_per_s2 = shallow::CellField::uniform(reduced_gravity_m_per_s2(10.0, 288.15));
    // Films under 5 cm (the output velocity threshold, far below the 1-50 m of a cold-air layer)
    // do not bound the step: their |q| / h_f is not a resolved velocity (local_inertial.hpp).
    p.time_step_velocity_depth_m = 0.05;
    // Fr <= 10 (local_inertial.hpp, Froude limiter): the buoyancy-drag balance u^2 = g' h S / c_D
    // of a layer on a surface slope S has Fr^2 = S / c_D, so 10 is only reached on a 35 degree
    // slope with open-land drag (S 0.69, c_D 0.0069) or a 30 degree slope at c_D 0.0058; real
    // jets on the Kaiserslautern slopes run at Fr 3.9 (docs/coldair.md). Spills over bed
    // steps reach Fr 50-170 without it and set the step of the whole grid.
    p.froude_limit = 10.0;
    // |u| + c of one face, not the largest |u| plus the largest c: a fast jet and a deep still
    // pool (Kaiserslautern: 6.8 m/s on 8.8 m of air, 3.8 m/s waves on a 42 m pool) are apart.
    p.time_step_rule = shallow::TimeStepRule::face_signal_speed;
    return p;
}

void validate(const ColdAirLayerParams& p) {
    std::string bad;
    auto require = [&bad](bool ok, const std::string& what) {
        if (!ok) {
            bad += (bad.empty() ? "" : "; ") + what;
        }
    };
    require(std::isfinite(p.ambient_temperature_k) && p.ambient_temperature_k > 0.0,
            "ambient_temperature_k must be > 0 K");
    require(std::isfinite(p.deficit_k) && p.deficit_k > 0.0 &&
                p.deficit_k < p.ambient_temperature_k,
            "deficit_k must be > 0 K and below the ambient temperature");
    require(std::isfinite(p.duration_s) && p.duration_s > 0.0, "duration_s must be > 0");
    double previous = 0.0;
    for (double t : p.output_times_s) {
        if (!(t > previous) || !(t <= p.duration_s)) {
            require(false, "output time " + std::to_string(t) +
                               " s must be ascending, > 0 and <= duration_s (" +
                               std::to_string(p.duration_s) + " s)");
            break;
        }
        previous = t;
    }
    require(std::isfinite(p.velocity_depth_threshold_m) && p.velocity_depth_threshold_m >= 0.0,
            "velocity_depth_threshold_m must be >= 0");
    try {
        shallow::LocalInertialParams solver = p.solver;
        solver.gravity_m_per_s2 = shallow::CellField::uniform(1.0);
        solver.friction_coefficient = shallow::CellField::uniform(0.0);
        shallow::validate(solver);
    } catch (const std::invalid_argument& e) {
        require(false, e.what());
    }
    if (!bad.empty()) {
        throw std::invalid_argument("cold-air layer parameters: " + bad);
    }
}

namespace {

std::string at_cell(const char* what, std::size_t r, std::size_t c) {
    return std::string("ColdAirLayer: ") + what + " at row " + std::to_string(r) + ", column " +
           std::to_string(c);
}

} // namespace

template <typename Real>
ColdAirLayer<Real>::ColdAirLayer(const ColdAirInputs& inputs, const CellMask& mask,
                                 ColdAirLayerParams params, RasterView<const float> initial)
    : mask_(mask), params_(std::move(params)) {
    validate(params_);
    const GridSpec& g = mask.spec();
    require_same_shape(g, inputs.terrain_m.spec(), "ColdAirLayer (terrain)");
    const bool has_d = inputs.displacement_height_m.data() != nullptr;
    if (has_d) {
        require_same_shape(g, inputs.displacement_height_m.spec(), "ColdAirLayer (displacement)");
    }
    if (initial.data() != nullptr) {
        require_same_shape(g, initial.spec(), "ColdAirLayer (initial height)");
    }
    shallow::require_non_negative(inputs.production_m3_per_m2_h, mask, "ColdAirLayer",
                                  "production");
    shallow::require_non_negative(inputs.drag_coefficient, mask, "ColdAirLayer",
                                  "drag coefficient");

    bed_ = Raster<float>(g, no_data_value<float>);
    state_ = shallow::ShallowLayerState<Real>(g);
    workspace_ = shallow::ShallowLayerWorkspace<Real>(g);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask.has_data(r, c)) {
                continue;
            }
            const float z = inputs.terrain_m(r, c);
            const float d = has_d ? inputs.displacement_height_m(r, c) : 0.0F;
            const float h0 = initial.data() != nullptr ? initial(r, c) : 0.0F;
            if (!std::isfinite(z)) {
                throw std::invalid_argument(at_cell("terrain is not finite", r, c));
            }
            if (!std::isfinite(d) || d < 0.0F) {
                throw std::invalid_argument(
                    at_cell("displacement height is negative or not finite", r, c));
            }
            if (!std::isfinite(h0) || h0 < 0.0F) {
                throw std::invalid_argument(
                    at_cell("initial height is negative or not finite", r, c));
            }
            bed_(r, c) = z + d;
            state_.depth_m(r, c) = static_cast<Real>(h0);
        }
    }
    // Production in m/h becomes a height source in m/s; a raster is converted once, in float as
    // the solver reads per-cell sources.
    const shallow::CellField& p = inputs.production_m3_per_m2_h;
    if (p.is_raster()) {
        source_m_per_s_ = Raster<float>(g, 0.0F);
        for (std::size_t r = 0; r < g.rows; ++r) {
            for (std::size_t c = 0; c < g.cols; ++c) {
                if (mask.has_data(r, c)) {
                    source_m_per_s_(r, c) =
                        static_cast<float>(static_cast<double>(p.per_cell(r, c)) / 3600.0);
                }
            }
        }
        source_ = shallow::CellField::raster(source_m_per_s_.view());
    } else {
        source_ = shallow::CellField::uniform(p.constant / 3600.0);
    }
    params_.solver.gravity_m_per_s2 = shallow::CellField::uniform(
        reduced_gravity_m_per_s2(params_.deficit_k, params_.ambient_temperature_k));
    params_.solver.friction_law = shallow::FrictionLaw::quadratic_drag;
    params_.solver.friction_coefficient = inputs.drag_coefficient;
    balance_.initial_storage_m3 = shallow::stored_volume_m3(mask_, state_);
    balance_.storage_m3 = balance_.initial_storage_m3;
}

template <typename Real>
void ColdAirLayer<Real>::advance_to(double until_s) {
    const double end = std::min(until_s, params_.duration_s);
    while (balance_.time_s < end) {
        const shallow::ShallowStepStats s = shallow::local_inertial_step<Real>(
            bed_.view(), mask_, source_, state_, workspace_, params_.solver,
            end - balance_.time_s);
        balance_.time_s += s.dt_s;
        // The last step was limited to end - time; only round-off separates them.
        if (end - balance_.time_s <= 1e-9 * std::max(1.0, end)) {
            balance_.time_s = end;
        }
        balance_.production_m3 += s.source_volume_m3;
        balance_.outflow_m3 += s.outflow_volume_m3;
        balance_.clipped_m3 += s.clipped_volume_m3;
        balance_.max_froude = std::max(balance_.max_froude, s.max_froude);
        ++balance_.step_count;
    }
    balance_.storage_m3 = shallow::stored_volume_m3(mask_, state_);
    balance_.residual_m3 = balance_.production_m3 + balance_.clipped_m3 - balance_.outflow_m3 -
                           (balance_.storage_m3 - balance_.initial_storage_m3);
    const double scale = balance_.production_m3 + balance_.initial_storage_m3;
    balance_.relative_residual = scale > 0.0 ? balance_.residual_m3 / scale : 0.0;
}

template <typename Real>
std::vector<ColdAirSnapshot> ColdAirLayer<Real>::run() {
    std::vector<ColdAirSnapshot> out;
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

template <typename Real>
ColdAirSnapshot ColdAirLayer<Real>::snapshot() const {
    const GridSpec& g = mask_.spec();
    ColdAirSnapshot s;
    s.time_s = balance_.time_s;
    s.height_m = Raster<float>(g, no_data_value<float>);
    s.velocity_east_m_per_s = Raster<float>(g, no_data_value<float>);
    s.velocity_north_m_per_s = Raster<float>(g, no_data_value<float>);
    s.volume_flux_density_m2_per_s = Raster<float>(g, no_data_value<float>);
    const auto& q = state_.q_m2_per_s;
    const double threshold = params_.velocity_depth_threshold_m;
    const auto rows = static_cast<std::ptrdiff_t>(g.rows);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t ri = 0; ri < rows; ++ri) {
        const auto r = static_cast<std::size_t>(ri);
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask_.has_data(r, c)) {
                continue;
            }
            const double h = static_cast<double>(state_.depth_m(r, c));
            const double qx = 0.5 * (static_cast<double>(q.x(r, c)) +
                                     static_cast<double>(q.x(r, c + 1)));
            // y-faces are positive towards the south; north is the GIS convention of outputs.
            const double qy = -0.5 * (static_cast<double>(q.y(r, c)) +
                                      static_cast<double>(q.y(r + 1, c)));
            s.height_m(r, c) = static_cast<float>(h);
            s.volume_flux_density_m2_per_s(r, c) = static_cast<float>(std::hypot(qx, qy));
            const bool deep = h > threshold && h > 0.0;
            s.velocity_east_m_per_s(r, c) = deep ? static_cast<float>(qx / h) : 0.0F;
            s.velocity_north_m_per_s(r, c) = deep ? static_cast<float>(qy / h) : 0.0F;
        }
    }
    return s;
}

template class ColdAirLayer<double>;
template class ColdAirLayer<float>;

} // namespace lauter::kernels::coldair
