// Batch assembly: one results file from the part files, difference layers against the baseline,
// districts and the indicator table (contract section 3, docs/batches.md).
#include <lauter/kernels/mobility/mode_choice.hpp>
#include <lauter/kernels/mobility/zone_districts.hpp>
#include <lauter/kernels/rasterize.hpp>
#include <lauter/sim/batch.hpp>
#include <lauter/sim/crs.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/schema.hpp>
#include <lauter/sim/vector_input.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <utility>

namespace lauter::sim {

namespace {

namespace fs = std::filesystem;
using kernels::CellMask;
using kernels::CellStatus;
using kernels::GridSpec;
using kernels::Raster;

/// A member's manifest (written by BatchSession::run_member).
struct Manifest {
    std::string member;
    std::map<std::string, std::string> attributes;
    std::vector<std::string> models;
    [[nodiscard]] std::string get(const std::string& key) const {
        const auto it = attributes.find(key);
        return it == attributes.end() ? std::string() : it->second;
    }
    [[nodiscard]] std::string part(const std::string& model) const { return get("part_" + model); }
};

std::optional<Manifest> read_manifest(const fs::path& parts_dir, const std::string& member) {
    const fs::path file = parts_dir / ("member-" + member + ".h5");
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        return std::nullopt;
    }
    Manifest m;
    m.member = member;
    for (auto& [key, value] : read_attributes(file, "/")) {
        m.attributes[key] = value;
    }
    std::string models = m.get("models");
    std::size_t start = 0;
    while (start < models.size()) {
        const std::size_t comma = models.find(',', start);
        m.models.push_back(models.substr(start, comma == std::string::npos ? std::string::npos
                                                                            : comma - start));
        start = comma == std::string::npos ? models.size() : comma + 1;
    }
    for (const std::string& model : m.models) {
        if (!fs::is_regular_file(parts_dir / m.part(model), ec)) {
            return std::nullopt;
        }
    }
    return m;
}

bool has_layer(const std::vector<LayerInfo>& layers, const std::string& path) {
    for (const LayerInfo& l : layers) {
        if (l.path == path) {
            return true;
        }
    }
    return false;
}

bool has_table(const fs::path& file, const std::string& path) {
    for (const TableInfo& t : list_tables(file)) {
        if (t.path == path) {
            return true;
        }
    }
    return false;
}

// --- Districts -----------------------------------------------------------------------------

/// The comparison districts: polygons (with names) or squares of a regular grid, both in the
/// study CRS; index_on() gives the district of every cell of any grid in that CRS.
class Districts {
public:
    Districts(const BatchDistricts& settings, const GridSpec& study)
        : settings_(settings), study_(study) {
        if (settings.file) {
            read_file(study.crs_wkt);
        } else {
            // Squares aligned to multiples of grid_m in map coordinates, numbered row-major from
            // the north-west corner of the study grid.
            const double g = settings.grid_m;
            ix0_ = static_cast<long>(std::floor(study.x0 / g));
            iy_top_ = static_cast<long>(std::floor((study.y0 - 1e-9) / g));
            const long ix1 = static_cast<long>(std::floor((study.x_max() - 1e-9) / g));
            const long iy1 = static_cast<long>(std::floor(study.y_min() / g));
            nx_ = ix1 - ix0_ + 1;
            const long ny = iy_top_ - iy1 + 1;
            for (long r = 0; r < ny; ++r) {
                for (long c = 0; c < nx_; ++c) {
                    char name[96];
                    std::snprintf(name, sizeof name, "square_E%.0f_N%.0f",
                                  static_cast<double>(ix0_ + c) * g,
                                  static_cast<double>(iy_top_ - r) * g);
                    names_.emplace_back(name);
                }
            }
        }
    }

    [[nodiscard]] const std::vector<std::string>& names() const { return names_; }
    /// The study grid the districts were built on (no cells when there is none).
    [[nodiscard]] const GridSpec& study() const { return study_; }

    /// District index per cell of `grid` (-1: none); a cell belongs to the district holding its
    /// centre (where polygons overlap, the later one in the file).
    [[nodiscard]] const std::vector<int>& index_on(const GridSpec& grid) {
        for (const auto& [spec, index] : cache_) {
            if (spec.is_same_grid(grid)) {
                return index;
            }
        }
        std::vector<int> index(grid.cell_count(), -1);
        if (settings_.file) {
            kernels::SubcellCanvas<float> canvas(grid, 1, 0.0F);
            for (std::size_t i = 0; i < polygons_.size(); ++i) {
                kernels::paint_polygon(canvas, to_grid_coordinates(polygons_[i], grid),
                                       static_cast<float>(i + 1));
            }
            for (std::size_t r = 0; r < grid.rows; ++r) {
                for (std::size_t c = 0; c < grid.cols; ++c) {
                    index[r * grid.cols + c] = static_cast<int>(canvas.at(r, c)) - 1;
                }
            }
        } else {
            const double g = settings_.grid_m;
            const long ny = static_cast<long>(names_.size()) / nx_;
            for (std::size_t r = 0; r < grid.rows; ++r) {
                const long row = iy_top_ - static_cast<long>(std::floor(grid.cell_centre_y(r) / g));
                for (std::size_t c = 0; c < grid.cols; ++c) {
                    const long col =
                        static_cast<long>(std::floor(grid.cell_centre_x(c) / g)) - ix0_;
                    if (row >= 0 && row < ny && col >= 0 && col < nx_) {
                        index[r * grid.cols + c] = static_cast<int>(row * nx_ + col);
                    }
                }
            }
        }
        cache_.emplace_back(grid, std::move(index));
        return cache_.back().second;
    }

private:
    void read_file(const std::string& crs_wkt) {
        const fs::path& path = *settings_.file;
        GDALAllRegister();
        std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(
            GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr,
                       nullptr)));
        if (!ds || ds->GetLayerCount() == 0) {
            throw InputError("districts.file: '" + path.string() +
                             "' is not a vector file GDAL can read; give polygons (GeoJSON, "
                             "GeoPackage, Shapefile)");
        }
        OGRLayer* layer = ds->GetLayer(0);
        OGRSpatialReference target;
        target.importFromWkt(crs_wkt.c_str());
        target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        const OGRSpatialReference* source = layer->GetSpatialRef();
        std::unique_ptr<OGRCoordinateTransformation> ct;
        if (source != nullptr) {
            OGRSpatialReference s(*source);
            s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            ct.reset(OGRCreateCoordinateTransformation(&s, &target));
        }
        int name_index = -1;
        if (!settings_.name_field.empty()) {
            name_index = layer->GetLayerDefn()->GetFieldIndex(settings_.name_field.c_str());
            if (name_index < 0) {
                throw InputError("districts.name_field: '" + path.string() +
                                 "' has no attribute '" + settings_.name_field +
                                 "'; give one of its attribute names");
            }
        }
        layer->ResetReading();
        while (OGRFeature* raw = layer->GetNextFeature()) {
            std::unique_ptr<OGRFeature, void (*)(OGRFeature*)> feature(raw,
                                                                        OGRFeature::DestroyFeature);
            const OGRGeometry* geometry = feature->GetGeometryRef();
            if (geometry == nullptr) {
                continue;
            }
            std::unique_ptr<OGRGeometry> g(geometry->clone());
            if (ct && g->transform(ct.get()) != OGRERR_NONE) {
                throw InputError("districts.file: '" + path.string() +
                                 "': a polygon cannot be transformed into the study CRS");
            }
            kernels::Polygon polygon;
            append_rings(g.get(), polygon);
            if (polygon.rings.empty()) {
                continue;
            }
            polygons_.push_back(std::move(polygon));
            names_.push_back(name_index >= 0 ? feature->GetFieldAsString(name_index)
                                             : "district " + std::to_string(names_.size() + 1));
        }
        if (polygons_.empty()) {
            throw InputError("districts.file: '" + path.string() + "' holds no polygons");
        }
    }

    static void append_rings(const OGRGeometry* g, kernels::Polygon& out) {
        switch (wkbFlatten(g->getGeometryType())) {
        case wkbPolygon: {
            const auto* p = g->toPolygon();
            const auto ring = [](const OGRLinearRing& r) {
                kernels::Ring points;
                for (int i = 0; i < r.getNumPoints(); ++i) {
                    points.push_back({r.getX(i), r.getY(i)});
                }
                return points;
            };
            if (p->getExteriorRing() != nullptr) {
                out.rings.push_back(ring(*p->getExteriorRing()));
                for (int i = 0; i < p->getNumInteriorRings(); ++i) {
                    out.rings.push_back(ring(*p->getInteriorRing(i)));
                }
            }
            return;
        }
        case wkbMultiPolygon:
        case wkbGeometryCollection: {
            const auto* c = g->toGeometryCollection();
            for (int i = 0; i < c->getNumGeometries(); ++i) {
                append_rings(c->getGeometryRef(i), out);
            }
            return;
        }
        default:
            return;
        }
    }

    BatchDistricts settings_;
    GridSpec study_;
    std::vector<kernels::Polygon> polygons_;
    std::vector<std::string> names_;
    long ix0_ = 0;
    long iy_top_ = 0;
    long nx_ = 1;
    std::vector<std::pair<GridSpec, std::vector<int>>> cache_;
};

// --- Indicators ----------------------------------------------------------------------------

struct IndicatorRow {
    int district = -1; ///< -1: the whole study area
    std::string indicator;
    std::string unit;
    double value = 0.0;
};

/// Sums per district and over the whole area.
struct Sums {
    explicit Sums(std::size_t districts) : by_district(districts, 0.0) {}
    void add(int district, double value) {
        all += value;
        if (district >= 0) {
            by_district[static_cast<std::size_t>(district)] += value;
        }
    }
    void emit(std::vector<IndicatorRow>& rows, const std::string& name,
              const std::string& unit) const {
        rows.push_back({-1, name, unit, all});
        for (std::size_t d = 0; d < by_district.size(); ++d) {
            rows.push_back({static_cast<int>(d), name, unit, by_district[d]});
        }
    }
    std::vector<double> by_district;
    double all = 0.0;
};

bool valid(const ReadLayer& layer, std::size_t i) {
    return layer.mask.has_data(i) && std::isfinite(layer.values[i]);
}

constexpr std::array<const char*, 5> load_class_names{"very_low", "low", "moderate", "high",
                                                      "very_high"};

double thermal_ambient_radius_m(const Manifest& m) {
    const YAML::Node resolved = YAML::Load(m.get("resolved_scenario"));
    const YAML::Node r = resolved["models"]["thermal"]["classes"]["ambient_radius_m"];
    return r && r.IsScalar() ? r.as<double>() : 0.0;
}

void landcover_indicators(const fs::path& part, Districts& districts,
                          std::vector<IndicatorRow>& rows) {
    const ReadLayer f = read_raster_layer(part, "/landcover/impervious_fraction");
    const GridSpec& grid = f.values.spec();
    const std::vector<int>& index = districts.index_on(grid);
    Sums sealed(districts.names().size());
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        if (valid(f, i)) {
            sealed.add(index[i], static_cast<double>(f.values[i]) * grid.cell_area_m2());
        }
    }
    sealed.emit(rows, "sealed_area_m2", "m2");
}

void thermal_indicators(const fs::path& part, const Manifest& m, Districts& districts,
                        std::vector<IndicatorRow>& rows) {
    const ReadLayer load = read_raster_layer(part, "/thermal/thermal_load_class");
    const ReadLayer residents = read_raster_layer(part, "/thermal/residents");
    const ReadLayer utci = read_raster_layer(part, "/thermal/utci_c");
    // With the cold-air coupling on, the classes use the coupled night heat island: so does the
    // mean over the classed settlement cells.
    const std::string coupled = "/thermal/uhi_night_coupled_k";
    const std::string uhi_layer =
        has_layer(list_layers(part), coupled) ? coupled : "/thermal/uhi_night_k";
    const ReadLayer uhi = read_raster_layer(part, uhi_layer);
    const GridSpec& grid = load.values.spec();
    const std::vector<int>& index = districts.index_on(grid);
    const std::size_t n = districts.names().size();
    std::vector<Sums> area(5, Sums(n));
    std::vector<Sums> people(5, Sums(n));
    Sums hot(n);
    Sums uhi_sum(n);
    Sums uhi_cells(n);
    // Residents live in building cells, where utci_c is no-data (street level only): like the
    // thermal model's classes, a building cell takes the mean UTCI of the street-level cells
    // within models.thermal.classes.ambient_radius_m (a square window here, at least 1 cell).
    const long radius = std::max(
        1L, std::lround(thermal_ambient_radius_m(m) / grid.cell_size_x_m));
    const auto ambient_utci = [&](std::size_t row, std::size_t col) {
        const std::size_t i = row * grid.cols + col;
        if (valid(utci, i)) {
            return static_cast<double>(utci.values[i]);
        }
        double sum = 0.0;
        std::size_t count = 0;
        for (long dr = -radius; dr <= radius; ++dr) {
            for (long dc = -radius; dc <= radius; ++dc) {
                const long r = static_cast<long>(row) + dr;
                const long c = static_cast<long>(col) + dc;
                if (r < 0 || c < 0 || r >= static_cast<long>(grid.rows) ||
                    c >= static_cast<long>(grid.cols)) {
                    continue;
                }
                const std::size_t j =
                    static_cast<std::size_t>(r) * grid.cols + static_cast<std::size_t>(c);
                if (valid(utci, j)) {
                    sum += static_cast<double>(utci.values[j]);
                    ++count;
                }
            }
        }
        return count > 0 ? sum / static_cast<double>(count) : std::nan("");
    };
    for (std::size_t row = 0; row < grid.rows; ++row) {
        for (std::size_t col = 0; col < grid.cols; ++col) {
            const std::size_t i = row * grid.cols + col;
            const int d = index[i];
            const double people_here =
                valid(residents, i) ? static_cast<double>(residents.values[i]) : 0.0;
            if (valid(load, i)) {
                const int c = static_cast<int>(load.values[i]);
                if (c >= 1 && c <= 5) {
                    area[static_cast<std::size_t>(c - 1)].add(d, grid.cell_area_m2());
                    people[static_cast<std::size_t>(c - 1)].add(d, people_here);
                }
                if (valid(uhi, i)) {
                    uhi_sum.add(d, static_cast<double>(uhi.values[i]));
                    uhi_cells.add(d, 1.0);
                }
            }
            if (people_here > 0.0 && ambient_utci(row, col) > 32.0) {
                hot.add(d, people_here);
            }
        }
    }
    for (std::size_t c = 0; c < 5; ++c) {
        area[c].emit(rows, std::string("thermal_load_area_m2_") + load_class_names[c], "m2");
        people[c].emit(rows, std::string("thermal_load_residents_") + load_class_names[c], "1");
    }
    hot.emit(rows, "residents_utci_above_32c", "1");
    Sums mean(n);
    mean.all = uhi_cells.all > 0.0 ? uhi_sum.all / uhi_cells.all : std::nan("");
    for (std::size_t d = 0; d < n; ++d) {
        mean.by_district[d] = uhi_cells.by_district[d] > 0.0
                                  ? uhi_sum.by_district[d] / uhi_cells.by_district[d]
                                  : std::nan("");
    }
    mean.emit(rows, "mean_uhi_night_k_settlement", "K");
}

void runoff_indicators(const fs::path& part, Districts& districts,
                       std::vector<IndicatorRow>& rows) {
    if (!has_table(part, "/runoff/buildings_affected")) {
        return;
    }
    const ReadLayer ids = read_raster_layer(part, "/runoff/building_id");
    const Table table = read_table(part, "/runoff/buildings_affected");
    const auto& id = std::get<std::vector<std::int64_t>>(table.column("building_id").values);
    const auto& depth = std::get<std::vector<double>>(table.column("max_edge_depth_m").values);
    const GridSpec& grid = ids.values.spec();
    const std::vector<int>& index = districts.index_on(grid);
    // A building belongs to the district of its first cell (row-major).
    std::map<std::int64_t, int> district_of;
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        if (valid(ids, i) && ids.values[i] > 0.0F) {
            district_of.emplace(static_cast<std::int64_t>(ids.values[i]), index[i]);
        }
    }
    const std::array<std::pair<double, const char*>, 3> thresholds{
        {{0.1, "buildings_depth_above_0_1m"},
         {0.3, "buildings_depth_above_0_3m"},
         {0.5, "buildings_depth_above_0_5m"}}};
    for (const auto& [limit, name] : thresholds) {
        Sums count(districts.names().size());
        for (std::size_t b = 0; b < id.size(); ++b) {
            if (depth[b] > limit) {
                const auto it = district_of.find(id[b]);
                count.add(it == district_of.end() ? -1 : it->second, 1.0);
            }
        }
        count.emit(rows, name, "1");
    }
}

/// The layer `<prefix><T>h` of the largest output time T in a cold-air part ("" if none).
std::string latest_coldair_layer(const fs::path& part, const std::string& prefix) {
    std::string best;
    double best_hours = -1.0;
    for (const LayerInfo& l : list_layers(part)) {
        if (l.path.rfind(prefix, 0) == 0 && l.path.size() > prefix.size() + 1 &&
            l.path.back() == 'h') {
            // Labels write the decimal point as 'p' (coldair_time_label: "0p5" for 0.5 h).
            std::string hours = l.path.substr(prefix.size(), l.path.size() - prefix.size() - 1);
            std::replace(hours.begin(), hours.end(), 'p', '.');
            char* end = nullptr;
            const double h = std::strtod(hours.c_str(), &end);
            if (end == hours.c_str() + hours.size() && h > best_hours) {
                best_hours = h;
                best = l.path;
            }
        }
    }
    return best;
}

/// Inflow into the model's settlements and their area with and without cold-air supply, at the
/// last output time. The settlements are those of models.coldair.settlement.cells: the
/// thermally loaded ones when the thermal model ran in the same scenario (docs/coldair.md).
void coldair_indicators(const fs::path& part, Districts& districts,
                        std::vector<IndicatorRow>& rows) {
    const std::string best = latest_coldair_layer(part, "/coldair/settlement_inflow_m3_per_s_");
    if (best.empty()) {
        return;
    }
    const ReadLayer inflow = read_raster_layer(part, best);
    const GridSpec& grid = inflow.values.spec();
    const std::vector<int>& index = districts.index_on(grid);
    Sums sum(districts.names().size());
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        if (valid(inflow, i)) {
            sum.add(index[i], static_cast<double>(inflow.values[i]));
        }
    }
    sum.emit(rows, "coldair_inflow_m3_per_s", "m3 s-1");
    const std::string supply_path = latest_coldair_layer(part, "/coldair/settlement_supply_");
    if (supply_path.empty()) {
        return;
    }
    const ReadLayer supply = read_raster_layer(part, supply_path);
    Sums supplied(districts.names().size());
    Sums unsupplied(districts.names().size());
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        if (valid(supply, i)) {
            (supply.values[i] == 1.0F ? supplied : unsupplied).add(index[i], grid.cell_area_m2());
        }
    }
    supplied.emit(rows, "coldair_settlement_area_supplied_m2", "m2");
    unsupplied.emit(rows, "coldair_settlement_area_unsupplied_m2", "m2");
}

/// Per-district mobility indicators from the model's zones: mode shares of the trips produced
/// and accessibility shares of the residents. The zones are the model's own (grid squares or
/// its district file), so each zone's value goes to the comparison districts in proportion to
/// its residents living there, located by the cell of each residential origin (the rule of
/// kernels/mobility/zone_districts.hpp; docs/batches.md).
void mobility_district_indicators(const fs::path& part, Districts& districts,
                                  std::vector<IndicatorRow>& rows) {
    const GridSpec& grid = districts.study();
    if (grid.cell_count() == 0 || districts.names().empty() ||
        !has_table(part, "/mobility/origins")) {
        return;
    }
    const std::vector<int>& index = districts.index_on(grid);
    const Table origins = read_table(part, "/mobility/origins");
    const auto& x = std::get<std::vector<double>>(origins.column("x").values);
    const auto& y = std::get<std::vector<double>>(origins.column("y").values);
    const auto& residents = std::get<std::vector<double>>(origins.column("residents").values);
    const auto& zone = std::get<std::vector<std::int64_t>>(origins.column("zone").values);
    std::vector<std::uint32_t> origin_zone(zone.size());
    std::vector<std::int32_t> origin_district(zone.size(), -1);
    for (std::size_t o = 0; o < zone.size(); ++o) {
        origin_zone[o] = static_cast<std::uint32_t>(zone[o]);
        const auto row = static_cast<std::ptrdiff_t>(std::floor(grid.row_coordinate(y[o])));
        const auto col = static_cast<std::ptrdiff_t>(std::floor(grid.col_coordinate(x[o])));
        if (grid.contains(row, col)) {
            origin_district[o] = index[grid.index(static_cast<std::size_t>(row),
                                                  static_cast<std::size_t>(col))];
        }
    }
    const Table zones = read_table(part, "/mobility/zones");
    namespace mob = kernels::mobility;
    const auto column = [&](const std::string& name) -> const std::vector<double>& {
        return std::get<std::vector<double>>(zones.column(name).values);
    };
    try {
        const mob::ZoneAreaResidents weights =
            mob::zone_area_residents(origin_zone, origin_district, residents, zones.row_count(),
                                     districts.names().size());
        const auto emit = [&](const std::vector<double>& zone_weight,
                              const std::vector<double>& zone_value, const std::string& name,
                              const std::string& unit, double scale) {
            const std::vector<double> v = mob::area_weighted_means(weights, zone_weight,
                                                                   zone_value);
            for (std::size_t d = 0; d < v.size(); ++d) {
                rows.push_back({static_cast<int>(d), name, unit, scale * v[d]});
            }
        };
        for (std::size_t k = 0; k < mob::choice_mode_count; ++k) {
            const std::string mode(mob::mode_name(static_cast<mob::ChoiceMode>(k)));
            emit(column("trips_produced"), column("share_" + mode), "mode_share_percent_" + mode,
                 "%", 100.0);
        }
        const std::string prefix = "access_";
        for (const TableColumn& c : zones.columns()) {
            if (c.name.rfind(prefix, 0) == 0) {
                emit(column("residents"), column(c.name),
                     "accessibility_share_" + c.name.substr(prefix.size()), "1", 1.0);
            }
        }
    } catch (const std::invalid_argument& e) {
        throw RuntimeFailure("batch: " + part.string() + ": the mobility zones and origins do "
                             "not fit together (" + e.what() + ")");
    }
}

/// City-wide mobility indicators (district "all"), from the model's city tables.
void mobility_indicators(const fs::path& part, std::vector<IndicatorRow>& rows) {
    const Table split = read_table(part, "/mobility/modal_split");
    const auto& modes = std::get<std::vector<std::string>>(split.column("mode").values);
    const auto& share = std::get<std::vector<double>>(split.column("share").values);
    for (std::size_t k = 0; k < modes.size(); ++k) {
        rows.push_back({-1, "mode_share_percent_" + modes[k], "%", 100.0 * share[k]});
    }
    const Table od = read_table(part, "/mobility/od_summary");
    const auto& od_modes = std::get<std::vector<std::string>>(od.column("mode").values);
    const auto& person_km = std::get<std::vector<double>>(od.column("person_km").values);
    double bike = 0.0;
    double car = 0.0;
    for (std::size_t k = 0; k < od_modes.size(); ++k) {
        bike += od_modes[k] == "bike" || od_modes[k] == "ebike" ? person_km[k] : 0.0;
        car += od_modes[k] == "car" ? person_km[k] : 0.0;
    }
    rows.push_back({-1, "bike_km_per_day", "km d-1", bike});
    rows.push_back({-1, "car_km_per_day", "km d-1", car});
    const kernels::mobility::CarEmissionParams emission;
    rows.push_back({-1, "co2_t_per_day", "t d-1", car * emission.co2_g_per_person_km * 1e-6});
    const Table access = read_table(part, "/mobility/accessibility");
    const auto& names = std::get<std::vector<std::string>>(access.column("indicator").values);
    const auto& shares = std::get<std::vector<double>>(access.column("share").values);
    for (std::size_t k = 0; k < names.size(); ++k) {
        rows.push_back({-1, "accessibility_share_" + names[k], "1", shares[k]});
    }
    // The PCT cross-check over the zone pairs of the table pct_od: the member's cycling share
    // next to the Go Dutch and E-bike potential (mobility_pct.hpp).
    const std::array<std::pair<const char*, const char*>, 3> pct = {
        {{"pct_scenario_cycle_share", "pct_pairs_cycle_share_percent"},
         {"pct_godutch_share", "pct_godutch_share_percent"},
         {"pct_ebike_share", "pct_ebike_share_percent"}}};
    for (const auto& [key, indicator] : pct) {
        if (const auto v = read_attribute(part, "/mobility", key)) {
            rows.push_back({-1, indicator, "%", 100.0 * std::stod(*v)});
        }
    }
}

std::vector<IndicatorRow> member_indicators(const Manifest& m, const fs::path& parts_dir,
                                            Districts& districts) {
    std::vector<IndicatorRow> rows;
    const auto part = [&](const std::string& model) { return parts_dir / m.part(model); };
    const auto has = [&](const std::string& model) { return !m.part(model).empty(); };
    if (has("landcover")) {
        landcover_indicators(part("landcover"), districts, rows);
    }
    if (has("thermal")) {
        thermal_indicators(part("thermal"), m, districts, rows);
    }
    if (has("coldair")) {
        coldair_indicators(part("coldair"), districts, rows);
    }
    if (has("runoff")) {
        runoff_indicators(part("runoff"), districts, rows);
    }
    if (has("mobility")) {
        mobility_indicators(part("mobility"), rows);
        mobility_district_indicators(part("mobility"), districts, rows);
    }
    return rows;
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) {
        return text;
    }
    std::string quoted = "\"";
    for (const char c : text) {
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return quoted + "\"";
}

std::string csv_number(double value) {
    return std::isfinite(value) ? schema::format_number(value) : std::string();
}

/// Writes text to `path` atomically (temporary file in the same directory, then rename).
void write_text_atomically(const fs::path& path, const std::string& text) {
    const fs::path temporary = path.parent_path() / ("." + path.filename().string() + ".tmp");
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) {
            throw RuntimeFailure("cannot write '" + temporary.string() +
                                 "'; check free disk space and permissions");
        }
    }
    std::error_code ec;
    fs::rename(temporary, path, ec);
    if (ec) {
        throw RuntimeFailure("cannot rename '" + temporary.string() + "' onto '" + path.string() +
                             "' (" + ec.message() + ")");
    }
}

/// Difference layers of one model of a member against the baseline's part; returns how many.
std::size_t write_differences(ResultsWriter& out, const std::string& group,
                              const fs::path& member_part, const fs::path& baseline_part,
                              const std::string& model) {
    const std::vector<LayerInfo> baseline_layers = list_layers(baseline_part);
    const std::string prefix = "/" + model + "/";
    std::size_t written = 0;
    for (const LayerInfo& info : list_layers(member_part)) {
        if (info.dtype != "float32" || info.path.rfind(prefix, 0) != 0 ||
            !has_layer(baseline_layers, info.path)) {
            continue;
        }
        const ReadLayer a = read_raster_layer(member_part, info.path);
        const ReadLayer b = read_raster_layer(baseline_part, info.path);
        if (!a.values.spec().is_same_grid(b.values.spec())) {
            log_warning("batch: " + group + ": '" + info.path +
                        "' is on another grid than the baseline's; no difference layer");
            continue;
        }
        const GridSpec& grid = a.values.spec();
        Raster<float> difference(grid, kernels::no_data_value<float>);
        CellMask mask(grid, CellStatus::no_data);
        for (std::size_t i = 0; i < grid.cell_count(); ++i) {
            if (valid(a, i) && valid(b, i)) {
                difference[i] = a.values[i] - b.values[i];
                mask.set(i, CellStatus::active);
            }
        }
        LayerMeta meta;
        meta.name = a.meta.name;
        meta.units = a.meta.units;
        meta.long_name = "change of " + a.meta.long_name + " against baseline";
        out.write_raster(group, meta, difference, mask);
        ++written;
    }
    return written;
}

} // namespace

std::vector<std::string> assemble_batch(const Batch& batch, const std::filesystem::path& parts_dir,
                                        const std::filesystem::path& results) {
    const StepTimer timer;
    std::vector<Manifest> manifests;
    for (const BatchMember& member : batch.members) {
        if (std::optional<Manifest> m = read_manifest(parts_dir, member.name)) {
            manifests.push_back(std::move(*m));
        }
    }
    if (manifests.empty() || manifests.front().member != "baseline") {
        throw RuntimeFailure("batch '" + batch.name +
                             "': the baseline did not complete, so nothing can be compared; "
                             "fix the base scenario and run the batch again");
    }
    const Manifest& baseline = manifests.front();
    const Scenario& base_scenario = batch.members.front().scenario;

    std::string names;
    for (const Manifest& m : manifests) {
        names += (names.empty() ? "" : ",") + m.member;
    }
    RootAttributes root = results_root_attributes(base_scenario, "lauter batch results: " +
                                                                     batch.name);
    root.extra.emplace_back("batch_name", batch.name);
    root.extra.emplace_back("batch_description", batch.description);
    root.extra.emplace_back("baseline_scenario", "baseline");
    root.extra.emplace_back("scenario_names", names);
    root.extra.emplace_back("resolved_batch", batch.resolved_yaml);
    ResultsWriter out(results, root, results_write_options(base_scenario));

    // Members: results copied once per part file, hard links for every further member.
    std::map<std::string, std::string> owner; // part file -> member that holds it
    for (const Manifest& m : manifests) {
        const std::string group = "/" + m.member;
        out.set_group_attribute(group, "description", m.get("description"));
        out.set_group_attribute(group, "modifications", m.get("modifications"));
        out.set_group_attribute(group, "resolved_scenario", m.get("resolved_scenario"));
        out.set_group_attribute(group, "input_sha256", m.get("input_sha256"));
        for (const std::string& model : m.models) {
            const std::string part = m.part(model);
            if (const auto it = owner.find(part); it != owner.end()) {
                out.link_group("/" + it->second + "/" + model, group + "/" + model);
                out.set_group_attribute(group, "reused_" + model, it->second);
            } else {
                out.copy_group(parts_dir / part, "/" + model, group + "/" + model);
                owner[part] = m.member;
            }
        }
    }

    // Differences: equal parts give equal differences, computed once and linked.
    std::map<std::string, std::string> difference_owner;
    for (const Manifest& m : manifests) {
        if (&m == &baseline) {
            continue;
        }
        for (const std::string& model : m.models) {
            const std::string part = m.part(model);
            if (baseline.part(model).empty()) {
                continue;
            }
            const std::string group = "/" + m.member + "/difference/" + model;
            if (const auto it = difference_owner.find(part); it != difference_owner.end()) {
                if (it->second.empty()) {
                    continue;
                }
                out.link_group("/" + it->second + "/difference/" + model, group);
                continue;
            }
            // A model without float layers has no difference group.
            difference_owner[part] = write_differences(out, group, parts_dir / part,
                                                       parts_dir / baseline.part(model), model) > 0
                                         ? m.member
                                         : std::string();
        }
    }

    // Districts on the study grid (the grid of the baseline's land cover or terrain).
    std::optional<GridSpec> study;
    for (const char* model : {"landcover", "terrain", "thermal", "runoff"}) {
        if (!study && !baseline.part(model).empty()) {
            for (const LayerInfo& l : list_layers(parts_dir / baseline.part(model))) {
                if (l.dtype == "float32") {
                    study = read_raster_layer(parts_dir / baseline.part(model), l.path)
                                .values.spec();
                    break;
                }
            }
        }
    }
    std::optional<Districts> districts;
    if (study) {
        districts.emplace(batch.districts, *study);
        const std::vector<int>& index = districts->index_on(*study);
        Raster<float> id(*study, kernels::no_data_value<float>);
        CellMask mask(*study, CellStatus::no_data);
        std::vector<double> area(districts->names().size(), 0.0);
        for (std::size_t i = 0; i < study->cell_count(); ++i) {
            if (index[i] >= 0) {
                id[i] = static_cast<float>(index[i] + 1);
                mask.set(i, CellStatus::active);
                area[static_cast<std::size_t>(index[i])] += study->cell_area_m2();
            }
        }
        out.write_raster("/comparison/districts",
                         {"district_id", "1", "comparison district (row district_id of districts)",
                          "", batch.districts.file ? "from " + batch.districts.file->string()
                                                   : "squares of " +
                                                         schema::format_number(
                                                             batch.districts.grid_m) +
                                                         " m",
                          {}, {}},
                         id, mask);
        std::vector<std::int64_t> ids;
        for (std::size_t d = 0; d < area.size(); ++d) {
            ids.push_back(static_cast<std::int64_t>(d + 1));
        }
        Table table;
        table.add_column("district_id", std::move(ids), "1");
        table.add_column("name", districts->names());
        table.add_column("area_m2", std::move(area), "m2");
        out.write_table("/comparison/districts", "districts", table);
    } else {
        districts.emplace(BatchDistricts{}, GridSpec{});
    }

    // Indicators: long format, one row per member x district x indicator.
    const auto district_name = [&](int d) {
        return d < 0 ? std::string("all") : districts->names()[static_cast<std::size_t>(d)];
    };
    std::map<std::pair<int, std::string>, double> base_values;
    std::vector<std::string> col_scenario, col_district, col_indicator, col_unit;
    std::vector<double> col_value, col_baseline, col_difference;
    for (const Manifest& m : manifests) {
        const std::vector<IndicatorRow> rows = member_indicators(m, parts_dir, *districts);
        for (const IndicatorRow& r : rows) {
            if (&m == &baseline) {
                base_values[{r.district, r.indicator}] = r.value;
            }
            const auto it = base_values.find({r.district, r.indicator});
            const double base = it == base_values.end() ? std::nan("") : it->second;
            col_scenario.push_back(m.member);
            col_district.push_back(district_name(r.district));
            col_indicator.push_back(r.indicator);
            col_unit.push_back(r.unit);
            col_value.push_back(r.value);
            col_baseline.push_back(base);
            col_difference.push_back(r.value - base);
        }
    }
    std::string csv = "scenario,district,indicator,unit,value,baseline,difference\n";
    for (std::size_t k = 0; k < col_value.size(); ++k) {
        csv += csv_field(col_scenario[k]) + "," + csv_field(col_district[k]) + "," +
               csv_field(col_indicator[k]) + "," + csv_field(col_unit[k]) + "," +
               csv_number(col_value[k]) + "," + csv_number(col_baseline[k]) + "," +
               csv_number(col_difference[k]) + "\n";
    }
    Table indicators;
    indicators.add_column("scenario", std::move(col_scenario));
    indicators.add_column("district", std::move(col_district));
    indicators.add_column("indicator", std::move(col_indicator));
    indicators.add_column("unit", std::move(col_unit));
    indicators.add_column("value", std::move(col_value));
    indicators.add_column("baseline", std::move(col_baseline));
    indicators.add_column("difference", std::move(col_difference));
    out.write_table("/comparison", "indicators", indicators);
    out.commit();
    write_text_atomically(results.parent_path() /
                              (results.filename().string() + ".indicators.csv"),
                          csv);
    log_info("batch: assembled " + std::to_string(manifests.size()) + " members into " +
             results.string() + " in " + std::to_string(timer.seconds()) + " s");
    std::vector<std::string> written;
    for (const Manifest& m : manifests) {
        written.push_back(m.member);
    }
    return written;
}

} // namespace lauter::sim
