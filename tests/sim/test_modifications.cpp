// Scenario modifications (issue 7 item 1) on a tiny synthetic study area: exact changed
// fractions and areas per measure, composition in list order, empty list and share 0 leaving
// everything bitwise unchanged, the settings measures, and schema errors with file:line.
#include <catch2/catch.hpp>

#include <lauter/sim/crs.hpp>
#include <lauter/sim/modifications.hpp>
#include <lauter/sim/osm_landcover.hpp>
#include <lauter/sim/runoff_model.hpp>
#include <lauter/sim/scenario.hpp>
#include <lauter/sim/study_area.hpp>

#include "../support/test_support.hpp"

#include <cstring>
#include <string>

using namespace lauter::sim;
using lauter::kernels::LandCover;
using lauter::kernels::land_cover_index;
using lauter::kernels::Raster;
using lauter::test::config_error_of;
using lauter::test::TempDir;
namespace fs = std::filesystem;

namespace {

// The synthetic area: 10 x 10 cells of 10 m in EPSG:25832, upper-left corner (500000, 5500100).
// North half (rows 0-4): sealed_other 0.6, road 0.2, open_land 0.2. South half: open_land 1,
// except one house of 10 m on cells (7,7), (7,8), (8,7), (8,8) (x 500070-500090,
// y 5500010-5500030), building id 1.
constexpr double x0 = 500000.0;
constexpr double y_top = 5500100.0;

/// A WKT rectangle in study coordinates, offsets in metres from (x0, y_top - 100).
std::string rect(double x_min, double y_min, double x_max, double y_max) {
    const auto p = [](double x, double y) {
        return std::to_string(x0 + x) + " " + std::to_string(y_top - 100.0 + y);
    };
    return "POLYGON((" + p(x_min, y_min) + ", " + p(x_max, y_min) + ", " + p(x_max, y_max) +
           ", " + p(x_min, y_max) + ", " + p(x_min, y_min) + "))";
}

class Fixture {
public:
    Fixture() {
        dir_.write("city.osm.gz", "fake osm");
        dir_.write("dem.tif", "fake dem");
    }
    /// A scenario with the land-cover model, S = 4 and `mods` (YAML list items, indented 2).
    [[nodiscard]] Scenario scenario(const std::string& mods, const std::string& models = "") const {
        const fs::path file = dir_.write("s.yaml", header(models) + "modifications:\n" + mods);
        return load_scenario(file);
    }
    [[nodiscard]] std::string error(const std::string& mods, const std::string& models = "") const {
        const fs::path file = dir_.write("s.yaml", header(models) + "modifications:\n" + mods);
        return config_error_of([&] { (void)load_scenario(file); });
    }
    [[nodiscard]] std::string at(int line) const {
        return (dir_ / "s.yaml").string() + ":" + std::to_string(line) + ":";
    }
    [[nodiscard]] const TempDir& dir() const { return dir_; }

private:
    [[nodiscard]] std::string header(const std::string& models) const {
        return "name: t\n"                                                     // 1
               "study_area:\n"                                                 // 2
               "  crs: EPSG:25832\n"                                           // 3
               "  extent: [500000, 5500000, 500100, 5500100]\n"                // 4
               "  resolution_m: 10\n"                                          // 5
               "inputs:\n"                                                     // 6
               "  osm: " + (dir_ / "city.osm.gz").string() + "\n"              // 7
               "  dem: " + (dir_ / "dem.tif").string() + "\n"                  // 8
               "landcover: {subcell_samples: 4}\n"                             // 9
               "models:\n"                                                     // 10
               "  terrain: {enabled: false}\n" +                               // 11
               models;
    }
    TempDir dir_{"modifications"};
};

StudyArea synthetic_area(const Scenario& s) {
    StudyArea area;
    area.grid = lauter::test::make_grid(10, 10, 10.0, 10.0, x0, y_top, s.study_area.crs_wkt);
    area.mask = lauter::kernels::CellMask(area.grid);
    OsmLandCover lc;
    lc.mask = lauter::kernels::CellMask(area.grid);
    lc.dominant = Raster<LandCover>(area.grid, LandCover::open_land);
    for (auto& f : lc.fractions) {
        f = Raster<float>(area.grid, 0.0F);
    }
    lc.impervious_fraction = Raster<float>(area.grid, 0.0F);
    lc.building_height_m = Raster<float>(area.grid, 0.0F);
    lc.tree_canopy_fraction = Raster<float>(area.grid, 0.0F);
    lc.unmapped_fraction = Raster<float>(area.grid, 0.0F);
    lc.building_id = Raster<std::int32_t>(area.grid, 0);
    const auto f = [&lc](LandCover c) -> Raster<float>& {
        return lc.fractions[land_cover_index(c)];
    };
    for (std::size_t r = 0; r < 10; ++r) {
        for (std::size_t c = 0; c < 10; ++c) {
            const std::size_t i = r * 10 + c;
            if (r < 5) {
                f(LandCover::sealed_other)[i] = 0.6F;
                f(LandCover::road)[i] = 0.2F;
                f(LandCover::open_land)[i] = 0.2F;
            } else if ((r == 7 || r == 8) && (c == 7 || c == 8)) {
                f(LandCover::building)[i] = 1.0F;
                lc.building_height_m[i] = 10.0F;
                lc.building_id[i] = 1;
            } else {
                f(LandCover::open_land)[i] = 1.0F;
            }
            update_cell_classes(lc, i, s.landcover);
        }
    }
    OsmBuilding house;
    house.osm_id = 1;
    house.building_type = "house";
    house.footprint_area_m2 = 400.0;
    house.height_m = 10.0F;
    house.cells = 4;
    lc.buildings.push_back(house);
    area.land_cover = std::move(lc);
    return area;
}

float frac(const StudyArea& a, LandCover c, std::size_t row, std::size_t col) {
    return a.land_cover->fractions[land_cover_index(c)][row * 10 + col];
}

template <typename T> bool same(const Raster<T>& a, const Raster<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

/// Every raster and the buildings of two land covers are bitwise equal.
bool same_land_cover(const OsmLandCover& a, const OsmLandCover& b) {
    for (std::size_t k = 0; k < a.fractions.size(); ++k) {
        if (!same(a.fractions[k], b.fractions[k])) {
            return false;
        }
    }
    bool buildings = a.buildings.size() == b.buildings.size();
    for (std::size_t k = 0; buildings && k < a.buildings.size(); ++k) {
        buildings = a.buildings[k].cells == b.buildings[k].cells &&
                    a.buildings[k].footprint_area_m2 == b.buildings[k].footprint_area_m2 &&
                    a.buildings[k].roof_runoff_coefficient == b.buildings[k].roof_runoff_coefficient;
    }
    return buildings && same(a.dominant, b.dominant) &&
           same(a.impervious_fraction, b.impervious_fraction) &&
           same(a.building_height_m, b.building_height_m) &&
           same(a.tree_canopy_fraction, b.tree_canopy_fraction) &&
           same(a.unmapped_fraction, b.unmapped_fraction) && same(a.building_id, b.building_id);
}

std::string wkt_area(const std::string& wkt) {
    return "    area: {wkt: \"" + wkt + "\", crs: EPSG:25832}\n";
}

} // namespace

TEST_CASE("unseal moves the share of sealed ground inside the area, cell coverage exact",
          "[modifications]") {
    const Fixture fx;
    // Rows 0-1 fully (y 80-100 m), and the western half of column 5 in rows 0-1 (x 50-55 m).
    Scenario s = fx.scenario("  - type: unseal\n" + wkt_area(rect(0, 80, 55, 100)) +
                             "    share: 0.5\n    to: trees\n");
    StudyArea area = synthetic_area(s);
    apply_modifications(s.modifications, s, area);
    // Fully covered: 0.6 -> 0.3 sealed_other, trees 0.3; roads untouched.
    CHECK(frac(area, LandCover::sealed_other, 0, 0) == Approx(0.3).margin(1e-7));
    CHECK(frac(area, LandCover::trees, 1, 4) == Approx(0.3).margin(1e-7));
    CHECK(frac(area, LandCover::road, 0, 0) == Approx(0.2).margin(1e-7));
    CHECK(area.land_cover->impervious_fraction[0] == Approx(0.5).margin(1e-7));
    // Half covered (2 of 4 sub-sample columns): 0.6 - 0.5 x 0.5 x 0.6 = 0.45.
    CHECK(frac(area, LandCover::sealed_other, 0, 5) == Approx(0.45).margin(1e-7));
    CHECK(frac(area, LandCover::trees, 0, 5) == Approx(0.15).margin(1e-7));
    // Outside: unchanged.
    CHECK(frac(area, LandCover::sealed_other, 2, 0) == 0.6F);
    CHECK(frac(area, LandCover::sealed_other, 0, 6) == 0.6F);
    CHECK(area.land_cover->dominant[0] == LandCover::sealed_other); // 0.3 ties trees: priority

    // With roads: 0.5 of road too.
    Scenario r = fx.scenario("  - type: unseal\n" + wkt_area(rect(0, 80, 50, 100)) +
                             "    share: 0.5\n    include_roads: true\n");
    StudyArea area_r = synthetic_area(r);
    apply_modifications(r.modifications, r, area_r);
    CHECK(frac(area_r, LandCover::road, 0, 0) == Approx(0.1).margin(1e-7));
    CHECK(frac(area_r, LandCover::open_land, 0, 0) == Approx(0.6).margin(1e-7));
    CHECK(area_r.land_cover->dominant[0] == LandCover::open_land);
}

TEST_CASE("an empty list and share 0 leave the study area bitwise unchanged",
          "[modifications]") {
    const Fixture fx;
    Scenario none = fx.scenario("  []\n");
    CHECK(none.modifications.empty());
    const StudyArea reference = synthetic_area(none);
    StudyArea area = synthetic_area(none);
    apply_modifications(none.modifications, none, area);
    CHECK(same_land_cover(*area.land_cover, *reference.land_cover));

    Scenario zero = fx.scenario("  - type: unseal\n" + wkt_area(rect(0, 0, 100, 100)) +
                                "    share: 0\n    include_roads: true\n"
                                "  - type: green_roofs\n    all_buildings: true\n    share: 0\n");
    StudyArea zeroed = synthetic_area(zero);
    apply_modifications(zero.modifications, zero, zeroed);
    CHECK(same_land_cover(*zeroed.land_cover, *reference.land_cover));
    RunoffModelSettings runoff;
    CHECK(surface_from_land_cover(*zeroed.land_cover, zeroed.mask, runoff)
              .roof_runoff_coefficient.size() == 0);
}

TEST_CASE("modifications compose in list order", "[modifications]") {
    const Fixture fx;
    const std::string half = "  - type: unseal\n" + wkt_area(rect(0, 50, 100, 100)) +
                             "    share: 0.5\n";
    Scenario twice = fx.scenario(half + half);
    StudyArea area = synthetic_area(twice);
    apply_modifications(twice.modifications, twice, area);
    CHECK(frac(area, LandCover::sealed_other, 3, 3) == Approx(0.15).margin(1e-7));

    // A development, then keep_free over the same site: no buildings remain; the other order
    // keeps the development's buildings.
    const std::string site = wkt_area(rect(0, 0, 40, 40));
    const std::string develop = "  - type: new_development\n" + site +
                                "    building_share: 0.25\n    building_size_m: 20\n"
                                "    storeys: 4\n    sealed_share: 0.5\n";
    const std::string keep = "  - type: keep_free\n" + site;
    Scenario a = fx.scenario(develop + keep);
    StudyArea area_a = synthetic_area(a);
    apply_modifications(a.modifications, a, area_a);
    CHECK(frac(area_a, LandCover::building, 7, 1) == 0.0F);
    CHECK(area_a.land_cover->building_id[7 * 10 + 1] == 0);
    Scenario b = fx.scenario(keep + develop);
    StudyArea area_b = synthetic_area(b);
    apply_modifications(b.modifications, b, area_b);
    CHECK(frac(area_b, LandCover::building, 7, 1) == 1.0F);
}

TEST_CASE("new_development replaces the land cover and adds buildings", "[modifications]") {
    const Fixture fx;
    // Site x 0-40, y 0-40 (rows 6-9, columns 0-3); share 0.25 with 20 m squares: pitch 40 m,
    // one square x 10-30, y 10-30 = cells (7,1), (7,2), (8,1), (8,2).
    Scenario s = fx.scenario("  - type: new_development\n" + wkt_area(rect(0, 0, 40, 40)) +
                             "    building_share: 0.25\n    building_size_m: 20\n"
                             "    storeys: 4\n    sealed_share: 0.5\n    to: trees\n");
    StudyArea area = synthetic_area(s);
    const std::size_t before = area.land_cover->buildings.size();
    apply_modifications(s.modifications, s, area);
    const OsmLandCover& lc = *area.land_cover;
    REQUIRE(lc.buildings.size() == before + 1);
    const OsmBuilding& added = lc.buildings.back();
    CHECK(added.footprint_area_m2 == Approx(400.0));
    CHECK(added.cells == 4);
    CHECK(added.height_m == 12.0F); // 4 storeys x 3 m (landcover.storey_height_m)
    CHECK(added.building_type == "apartments");
    for (const auto& [row, col] : {std::pair{7, 1}, {7, 2}, {8, 1}, {8, 2}}) {
        const auto i = static_cast<std::size_t>(row * 10 + col);
        CHECK(frac(area, LandCover::building, i / 10, i % 10) == 1.0F);
        CHECK(lc.building_id[i] == static_cast<std::int32_t>(before + 1));
        CHECK(lc.building_height_m[i] == 12.0F);
    }
    // Ground: half sealed, half trees; outside the site unchanged.
    CHECK(frac(area, LandCover::sealed_other, 6, 0) == 0.5F);
    CHECK(frac(area, LandCover::trees, 9, 3) == 0.5F);
    CHECK(frac(area, LandCover::open_land, 9, 3) == 0.0F);
    CHECK(frac(area, LandCover::open_land, 9, 4) == 1.0F);
    CHECK(lc.impervious_fraction[6 * 10 + 0] == 0.5F);
    // The old house lies outside and keeps its cells.
    CHECK(lc.buildings[0].cells == 4);
}

TEST_CASE("keep_free removes buildings inside the area", "[modifications]") {
    const Fixture fx;
    Scenario s = fx.scenario("  - type: keep_free\n" + wkt_area(rect(70, 10, 90, 30)));
    StudyArea area = synthetic_area(s);
    apply_modifications(s.modifications, s, area);
    const OsmLandCover& lc = *area.land_cover;
    CHECK(frac(area, LandCover::building, 7, 7) == 0.0F);
    CHECK(frac(area, LandCover::open_land, 8, 8) == 1.0F);
    CHECK(lc.building_height_m[7 * 10 + 7] == 0.0F);
    CHECK(lc.building_id[8 * 10 + 8] == 0);
    CHECK(lc.buildings[0].cells == 0);
    CHECK(lc.buildings[0].footprint_area_m2 == 0.0);
    CHECK(lc.dominant[7 * 10 + 8] == LandCover::open_land);
}

TEST_CASE("green roofs lower the roof runoff of the selected buildings", "[modifications]") {
    const Fixture fx;
    Scenario s = fx.scenario("  - type: green_roofs\n" + wkt_area(rect(60, 0, 100, 40)) +
                             "    share: 0.5\n");
    StudyArea area = synthetic_area(s);
    apply_modifications(s.modifications, s, area);
    // 1 - 0.5 x (1 - 0.4) = 0.7 (DIN 1986-100 C_s of an extensive green roof: 0.4).
    CHECK(area.land_cover->buildings[0].roof_runoff_coefficient == Approx(0.7F));
    RunoffModelSettings runoff;
    const RunoffSurface surface = surface_from_land_cover(*area.land_cover, area.mask, runoff);
    REQUIRE(surface.roof_runoff_coefficient.size() == 100);
    CHECK(surface.roof_runoff_coefficient[7 * 10 + 7] == Approx(0.7F));
    CHECK(surface.roof_runoff_coefficient[0] == 1.0F);

    // An area away from the house selects nothing.
    Scenario far = fx.scenario("  - type: green_roofs\n" + wkt_area(rect(0, 0, 40, 40)));
    StudyArea area_far = synthetic_area(far);
    apply_modifications(far.modifications, far, area_far);
    CHECK(area_far.land_cover->buildings[0].roof_runoff_coefficient == 1.0F);
}

TEST_CASE("plant_trees adds crowns at points and every spacing along lines",
          "[modifications]") {
    const Fixture fx;
    // A point at the centre of cell (5, 5) with a 10 m crown, and a line along row 9 with
    // 4 m crowns every 10 m: trees at 5, 15, ..., 95 m (10 trees).
    const std::string y9 = std::to_string(y_top - 95.0);
    Scenario s = fx.scenario(
        "  - type: plant_trees\n"
        "    trees: {wkt: \"POINT(" + std::to_string(x0 + 55.0) + " " +
        std::to_string(y_top - 55.0) + ")\", crs: EPSG:25832}\n"
        "    crown_diameter_m: 10\n"
        "  - type: plant_trees\n"
        "    trees: {wkt: \"LINESTRING(" + std::to_string(x0) + " " + y9 + ", " +
        std::to_string(x0 + 100.0) + " " + y9 + ")\", crs: EPSG:25832}\n"
        "    crown_diameter_m: 4\n    spacing_m: 10\n");
    StudyArea area = synthetic_area(s);
    apply_modifications(s.modifications, s, area);
    const Raster<float>& canopy = area.land_cover->tree_canopy_fraction;
    // The 10 m crown is the disc inscribed in cell (5, 5): its 4 x 4 sub-sample centres at
    // 1.25 and 3.75 m from the cell centre cover 12 of 16 (the corners lie at 5.3 m).
    CHECK(canopy[5 * 10 + 5] == Approx(0.75));
    CHECK(canopy[5 * 10 + 4] == 0.0F);
    // Row 9: one 4 m crown per cell covers the 4 central sub-samples (1.77 m away).
    for (std::size_t c = 0; c < 10; ++c) {
        CHECK(canopy[9 * 10 + c] == Approx(0.25));
    }
    CHECK(canopy[8 * 10 + 3] == 0.0F);
}

TEST_CASE("mobility, storm and weather measures edit the model settings", "[modifications]") {
    const Fixture fx;
    const std::string models = "  mobility:\n    enabled: true\n    demand: {mean_trip_km: 1}\n"
                               "  runoff: {enabled: true}\n  thermal: {enabled: true}\n";
    Scenario s = fx.scenario(
        "  - type: bike_lanes\n    way_ids: [17, 42]\n    facility: track\n"
        "  - type: bike_lanes\n"
        "    along: {wkt: \"LINESTRING(7.76 49.44, 7.77 49.45)\"}\n    buffer_m: 15\n"
        "  - type: traffic_calming\n" + wkt_area(rect(0, 0, 50, 50)) +
        "    car_max_speed_kmh: 20\n"
        "  - type: bus_headway\n    headway_min: 10\n"
        "  - type: ebike_ownership\n    share: 0.25\n"
        "  - type: heavy_rain\n    storm: {type: constant, intensity_mm_per_h: 50, "
        "duration_min: 30}\n"
        "  - type: hot_day\n    air_temperature_c: 35\n    daily_max_temperature_c: 36\n"
        "  - type: bus_headway\n    headway_min: 7.5\n    lines: \" 101, 105 \"\n",
        models);
    const Scenario original = s;
    StudyArea area = synthetic_area(s);
    apply_modifications(s.modifications, s, area);
    const MobilityModelSettings& ms = s.models.mobility;
    REQUIRE(ms.bike_lanes.size() == 3);
    CHECK(ms.bike_lanes[0].way_id == 17);
    CHECK(ms.bike_lanes[1].facility == lauter::kernels::mobility::CycleFacility::track);
    CHECK(ms.bike_lanes[2].way_id == 0);
    CHECK(ms.bike_lanes[2].buffer_m == 15.0);
    REQUIRE(ms.bike_lanes[2].along.size() == 2);
    CHECK(ms.bike_lanes[2].along[0][0] == Approx(410200.0).margin(1500.0)); // UTM 32N easting
    REQUIRE(ms.traffic_calming.size() == 1);
    CHECK(ms.traffic_calming[0].car_max_speed_kmh == 20.0);
    CHECK(ms.traffic_calming[0].rings[0][0][0] == Approx(x0));
    REQUIRE(ms.bus_headway_changes.size() == 2);
    CHECK(ms.bus_headway_changes[0].headway_min == 10.0);
    CHECK(ms.bus_headway_changes[0].lines.empty());
    CHECK(ms.bus_headway_changes[1].headway_min == 7.5);
    CHECK(ms.bus_headway_changes[1].lines == std::vector<std::string>{"101", "105"});
    CHECK(ms.bus_headway_min == original.models.mobility.bus_headway_min);
    REQUIRE(ms.ebike_ownership.size() == 1);
    CHECK(ms.ebike_ownership[0].share == 0.25);
    CHECK(ms.ebike_ownership[0].areas.empty()); // city-wide
    CHECK(ms.ebike_ownership[0].zones.empty());
    CHECK(ms.ebike_ownership[0].label == "modifications[4] (ebike_ownership)");
    CHECK(ms.ebike_ownership_share == original.models.mobility.ebike_ownership_share);
    CHECK(describe(s.modifications[4]) == "ebike_ownership: 25 % of the travellers");
    CHECK(s.models.runoff.storm.kind == StormKind::constant);
    CHECK(s.models.runoff.storm.intensity_mm_per_h == 50.0);
    CHECK(s.models.thermal.weather.air_temperature_c == 35.0);
    CHECK(s.models.thermal.weather.relative_humidity_pct ==
          original.models.thermal.weather.relative_humidity_pct);
    CHECK(describe(s.modifications[5]) == "heavy_rain: storm constant");
    CHECK(describe(s.modifications[3]) == "bus_headway: 10 min on every line");
}

TEST_CASE("ebike_ownership takes an area or a list of zones", "[modifications][ebike]") {
    const Fixture fx;
    const std::string models = "  mobility:\n    enabled: true\n    demand: {mean_trip_km: 1}\n";
    Scenario s = fx.scenario("  - type: ebike_ownership\n    share: 0.3\n" +
                                 wkt_area(rect(0, 0, 50, 50)) +
                                 "  - {type: ebike_ownership, share: 0.05,\n"
                                 "     zones: \" r1_c2 ,r3_c4\"}\n",
                             models);
    StudyArea area = synthetic_area(s);
    apply_modifications(s.modifications, s, area);
    const MobilityModelSettings& ms = s.models.mobility;
    REQUIRE(ms.ebike_ownership.size() == 2);
    CHECK(ms.ebike_ownership[0].share == 0.3);
    REQUIRE(ms.ebike_ownership[0].areas.size() == 1);
    CHECK(ms.ebike_ownership[0].areas[0][0][0][0] == Approx(x0));
    CHECK(ms.ebike_ownership[0].zones.empty());
    CHECK(ms.ebike_ownership[1].areas.empty());
    CHECK(ms.ebike_ownership[1].zones == std::vector<std::string>{"r1_c2", "r3_c4"});
    CHECK(ms.ebike_ownership[1].label == "modifications[1] (ebike_ownership)");
    CHECK(describe(s.modifications[0]) ==
          "ebike_ownership: 30 % of the travellers in the zones of inline WKT");
    CHECK(describe(s.modifications[1]) ==
          "ebike_ownership: 5 % of the travellers in zones r1_c2, r3_c4");
}

TEST_CASE("modification errors name the file, line and key", "[modifications]") {
    const Fixture fx;
    // Line 12 is "modifications:", 13 the first element.
    std::string e = fx.error("  - type: unsael\n" + wkt_area(rect(0, 0, 10, 10)));
    CHECK_THAT(e, Catch::Contains(fx.at(13)));
    CHECK_THAT(e, Catch::Contains("did you mean 'unseal'"));

    e = fx.error("  - type: unseal\n" + wkt_area(rect(0, 0, 10, 10)) + "    shares: 0.5\n");
    CHECK_THAT(e, Catch::Contains(fx.at(15)));
    CHECK_THAT(e, Catch::Contains("did you mean 'share'"));

    e = fx.error("  - type: unseal\n" + wkt_area(rect(0, 0, 10, 10)) + "    share: 1.5\n");
    CHECK_THAT(e, Catch::Contains(fx.at(15)));
    CHECK_THAT(e, Catch::Contains("modifications[0].share"));

    e = fx.error("  - type: unseal\n    area: {wkt: \"POLYGON((0 0, 1 1\"}\n");
    CHECK_THAT(e, Catch::Contains(fx.at(14)));
    CHECK_THAT(e, Catch::Contains("not WKT"));

    e = fx.error("  - type: unseal\n    area: {wkt: \"LINESTRING(0 0, 1 1)\"}\n");
    CHECK_THAT(e, Catch::Contains("a line geometry; give a POLYGON or MULTIPOLYGON"));

    e = fx.error("  - type: keep_free\n    area: {file: missing.geojson}\n");
    CHECK_THAT(e, Catch::Contains(fx.at(14)));
    CHECK_THAT(e, Catch::Contains("missing.geojson"));

    e = fx.error("  - type: keep_free\n    area: {}\n");
    CHECK_THAT(e, Catch::Contains("give exactly one of 'wkt' or 'file'"));

    e = fx.error("  - type: bus_headway\n    headway_min: 10\n");
    CHECK_THAT(e, Catch::Contains(fx.at(13)));
    CHECK_THAT(e, Catch::Contains("models.mobility.enabled is false"));

    e = fx.error("  - type: heavy_rain\n    storm: {type: constant}\n",
                 "  runoff: {enabled: true}\n");
    CHECK_THAT(e, Catch::Contains("modifications[0].storm.type: a storm of type constant needs"));
}

TEST_CASE("areas from a GeoJSON file with a where filter", "[modifications]") {
    const Fixture fx;
    const auto ring = [](double a, double b) {
        return "[[" + std::to_string(x0 + a) + "," + std::to_string(y_top - 100.0) + "],[" +
               std::to_string(x0 + b) + "," + std::to_string(y_top - 100.0) + "],[" +
               std::to_string(x0 + b) + "," + std::to_string(y_top) + "],[" +
               std::to_string(x0 + a) + "," + std::to_string(y_top) + "],[" +
               std::to_string(x0 + a) + "," + std::to_string(y_top - 100.0) + "]]";
    };
    fx.dir().write("areas.geojson",
                   "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
                   "{\"name\":\"urn:ogc:def:crs:EPSG::25832\"}},\"features\":["
                   "{\"type\":\"Feature\",\"properties\":{\"name\":\"west\"},\"geometry\":"
                   "{\"type\":\"Polygon\",\"coordinates\":[" + ring(0, 10) + "]}},"
                   "{\"type\":\"Feature\",\"properties\":{\"name\":\"east\"},\"geometry\":"
                   "{\"type\":\"Polygon\",\"coordinates\":[" + ring(90, 100) + "]}}]}");
    Scenario s = fx.scenario("  - type: unseal\n    area: {file: " +
                             (fx.dir() / "areas.geojson").string() + ", where: \"name = 'east'\"}\n");
    StudyArea area = synthetic_area(s);
    apply_modifications(s.modifications, s, area);
    CHECK(frac(area, LandCover::sealed_other, 0, 9) == 0.0F);
    CHECK(frac(area, LandCover::sealed_other, 0, 0) == 0.6F);

    Scenario bad = fx.scenario("  - type: unseal\n    area: {file: " +
                               (fx.dir() / "areas.geojson").string() +
                               ", where: \"name = 'north'\"}\n");
    StudyArea area_bad = synthetic_area(bad);
    try {
        apply_modifications(bad.modifications, bad, area_bad);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("modifications[0] (unseal)"));
        CHECK_THAT(std::string(e.what()), Catch::Contains("has no geometry"));
    }
}
