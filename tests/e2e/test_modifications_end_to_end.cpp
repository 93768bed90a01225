// `lauter run` with modifications on the Kaiserslautern city-centre extract: the land-cover
// layers show the unsealing, the mobility model the traffic calming, the denser bus service and a
// bike track along a line, against a run of the same scenario without modifications.
#include <catch2/catch.hpp>

#include <lauter/sim/results.hpp>

#include "../support/test_support.hpp"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

using namespace lauter::test;
using lauter::sim::read_attribute;
using lauter::sim::read_raster_layer;
using lauter::sim::read_table;
using lauter::sim::Table;

namespace {

/// Around Stiftsplatz and the pedestrian zone (WGS84 lon/lat).
const std::string centre =
    "POLYGON((7.7640 49.4412, 7.7745 49.4412, 7.7745 49.4468, 7.7640 49.4468, 7.7640 49.4412))";

std::string scenario(const std::string& modifications) {
    return city_centre_mobility_scenario("mods", modifications);
}

struct Run {
    TempDir dir{"modifications-e2e"};
    CommandResult result;
    explicit Run(const std::string& text) {
        dir.write("scenario.yaml", text);
        result = run_lauter_scenario(dir / "scenario.yaml", dir / "out.h5");
    }
    [[nodiscard]] double layer_sum(const std::string& layer) const {
        const auto read = read_raster_layer(dir / "out.h5", "/mods/landcover/" + layer);
        double sum = 0.0;
        for (std::size_t i = 0; i < read.values.size(); ++i) {
            if (std::isfinite(read.values[i])) {
                sum += static_cast<double>(read.values[i]);
            }
        }
        return sum;
    }
    [[nodiscard]] double number(const std::string& key) const {
        return std::stod(read_attribute(dir / "out.h5", "/mods/mobility", key).value());
    }
};

double share_of(const Table& split, const std::string& mode) {
    const auto& names = std::get<std::vector<std::string>>(split.column("mode").values);
    const auto& share = std::get<std::vector<double>>(split.column("share").values);
    for (std::size_t k = 0; k < names.size(); ++k) {
        if (names[k] == mode) {
            return share[k];
        }
    }
    return std::nan("");
}

} // namespace

TEST_CASE("lauter run applies modifications to the land cover and the mobility model",
          "[modifications][e2e]") {
    const Run base(scenario("  []\n"));
    INFO(base.result.err);
    REQUIRE(base.result.exit_code == 0);
    CHECK_FALSE(read_attribute(base.dir / "out.h5", "/mods", "modifications").has_value());

    const Run mods(scenario("  - type: unseal\n"
                            "    area: {wkt: \"" + centre + "\"}\n"
                            "    share: 0.5\n"
                            "  - type: traffic_calming\n"
                            "    area: {wkt: \"" + centre + "\"}\n"
                            "    car_max_speed_kmh: 20\n"
                            "  - type: bus_headway\n"
                            "    headway_min: 10\n"
                            "  - type: bike_lanes\n" // along Fruchthallstraße (OSM geometry)
                            "    along: {wkt: \"LINESTRING(7.76871 49.44528, 7.77008 49.44552, "
                            "7.77141 49.44554)\"}\n"
                            "    buffer_m: 8\n"
                            "    facility: track\n"));
    INFO(mods.result.err);
    REQUIRE(mods.result.exit_code == 0);
    CHECK_THAT(mods.result.err, Catch::Contains("modifications[0] (unseal):"));
    CHECK_THAT(mods.result.err, Catch::Contains("modifications[2] (bus_headway): bus headway 10"));
    const auto attribute = read_attribute(mods.dir / "out.h5", "/mods", "modifications");
    REQUIRE(attribute.has_value());
    CHECK_THAT(*attribute, Catch::Contains("traffic_calming: 20 km/h in inline WKT"));

    // Half the sealed non-building ground of the centre became open land: the sealed_other
    // area falls, open land grows by the same amount (cell fractions, same grid).
    const double sealed_before = base.layer_sum("fraction_sealed_other");
    const double sealed_after = mods.layer_sum("fraction_sealed_other");
    const double open_before = base.layer_sum("fraction_open_land");
    const double open_after = mods.layer_sum("fraction_open_land");
    CHECK(sealed_after < sealed_before);
    CHECK(open_after - open_before == Approx(sealed_before - sealed_after).epsilon(1e-3));
    CHECK(mods.layer_sum("fraction_road") == Approx(base.layer_sum("fraction_road")));

    // Calming the centre slows cars there, a 10 min headway (baseline 20) helps the bus.
    CHECK(mods.number("calmed_car_edges") > 0.0);
    CHECK(mods.number("bike_lane_edges") > 0.0);
    CHECK(base.number("bike_lane_edges") == 0.0);
    CHECK(base.number("calmed_car_edges") == 0.0);
    const Table base_split = read_table(base.dir / "out.h5", "/mods/mobility/modal_split");
    const Table mods_split = read_table(mods.dir / "out.h5", "/mods/mobility/modal_split");
    CHECK(share_of(mods_split, "car") < share_of(base_split, "car"));
    CHECK(share_of(mods_split, "bus") > share_of(base_split, "bus"));
    CHECK(mods.number("car_vehicle_km_change") < 0.0);
}
