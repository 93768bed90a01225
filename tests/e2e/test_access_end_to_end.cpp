// End to end (issue 6 items 5-7) on the Kaiserslautern city-centre extract at 50 m, one batch
// with a baseline and two e-bike ownership members: the accessibility rasters of the mobility
// group (consistent with each other and with the stops), the ebike_ownership measure (the
// baseline share reproduces the baseline bitwise, a higher share raises the e-bike share, a bad
// value exits with code 2), the per-district mobility indicators recomputed independently from
// the member tables, and (hidden, slow) the report checking every indicator number.
#include <catch2/catch.hpp>

#include <lauter/sim/results.hpp>

#include "../support/test_support.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

using namespace lauter::test;
using lauter::sim::read_attribute;
using lauter::sim::read_raster_layer;
using lauter::sim::read_table;
using lauter::sim::Table;
namespace fs = std::filesystem;

namespace {

std::string base_scenario() {
    return "name: base\n"
           "study_area:\n"
           "  crs: EPSG:25832\n"
           "  extent_from: osm\n"
           "  resolution_m: 50\n"
           + city_centre_inputs_yaml() +
           "models:\n"
           "  terrain: {enabled: false}\n"
           "  mobility:\n"
           "    enabled: true\n"
           "    zones: {size_m: 250}\n"
           "    demand: {mean_trip_km: 0.45}\n";
}

// 0.13 is the default models.mobility.choice.ebike_ownership_share.
const char* const access_batch = R"(batch: access
base: base.yaml
districts: {grid_m: 500}
scenarios:
  - name: ebike_same
    modifications: [{type: ebike_ownership, share: 0.13}]
  - name: ebike_more
    modifications: [{type: ebike_ownership, share: 0.4}]
)";

struct AccessBatch {
    TempDir dir{"access-e2e"};
    CommandResult result;
    AccessBatch() {
        dir.write("base.yaml", base_scenario());
        dir.write("batch.yaml", access_batch);
        result = run_command(lauter_command() + " batch " +
                             shell_quote((dir / "batch.yaml").string()) + " -o " +
                             shell_quote((dir / "access.h5").string()) + " --threads 2");
    }
    [[nodiscard]] fs::path file() const { return dir / "access.h5"; }
};

const AccessBatch& batch() {
    static const AccessBatch run;
    return run;
}

template <typename T> const std::vector<T>& column(const Table& t, const std::string& name) {
    return std::get<std::vector<T>>(t.column(name).values);
}

double indicator(const Table& t, const std::string& scenario, const std::string& district,
                 const std::string& name, const std::string& field = "value") {
    const auto& s = column<std::string>(t, "scenario");
    const auto& d = column<std::string>(t, "district");
    const auto& n = column<std::string>(t, "indicator");
    for (std::size_t k = 0; k < s.size(); ++k) {
        if (s[k] == scenario && d[k] == district && n[k] == name) {
            return column<double>(t, field)[k];
        }
    }
    return std::nan("");
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

} // namespace

TEST_CASE("accessibility rasters of the mobility group", "[access][e2e]") {
    const AccessBatch& run = batch();
    INFO(run.result.err);
    REQUIRE(run.result.exit_code == 0);
    const std::string group = "/baseline/mobility/";
    const auto stop = read_raster_layer(run.file(), group + "walk_m_to_bus_stop");
    const auto grocery = read_raster_layer(run.file(), group + "walk_m_to_grocery");
    const auto centre = read_raster_layer(run.file(), group + "walk_min_to_centre");
    const auto class300 = read_raster_layer(run.file(), group + "stop_class_300m");
    const auto class400 = read_raster_layer(run.file(), group + "stop_class_400m");
    CHECK(stop.meta.units == "m");
    CHECK(grocery.meta.units == "m");
    CHECK(centre.meta.units == "min");
    CHECK(class300.meta.flag_meanings.size() == 5);
    const std::size_t cells = stop.values.size();
    std::size_t valid = 0;
    std::size_t near_stop = 0;
    float closest_to_centre = 1e9F;
    for (std::size_t i = 0; i < cells; ++i) {
        if (!stop.mask.has_data(i)) {
            // Not snapped (no data in every layer) or on a walk component without stops.
            CHECK((!class300.mask.has_data(i) || class300.values[i] == 5.0F));
            continue;
        }
        ++valid;
        const float d = stop.values[i];
        REQUIRE(d >= 0.0F);
        REQUIRE(class300.mask.has_data(i));
        // Every line runs at the default 20 min, so a stop served by one line is class 2 and a
        // stop served by two or more lines (combined headway <= 10 min) class 1: a cell has a
        // class of 1 or 2 exactly when its nearest stop is within the radius, and class 5
        // otherwise (ties at the radius are skipped).
        const auto expected_in_radius = [](float cls) { return cls == 1.0F || cls == 2.0F; };
        if (std::abs(d - 300.0F) > 0.01F) {
            CHECK((d < 300.0F ? expected_in_radius(class300.values[i])
                              : class300.values[i] == 5.0F));
        }
        if (std::abs(d - 400.0F) > 0.01F) {
            CHECK((d < 400.0F ? expected_in_radius(class400.values[i])
                              : class400.values[i] == 5.0F));
        }
        CHECK(class400.values[i] <= class300.values[i]);
        near_stop += d < 300.0F ? 1U : 0U;
        closest_to_centre = std::min(closest_to_centre, centre.values[i]);
    }
    CHECK(valid > cells / 2);
    CHECK(near_stop > 0);
    CHECK(near_stop < valid);
    // The cells around the centre are a short walk away from it.
    CHECK(closest_to_centre < 2.0F);

    // The members' layers get difference layers; e-bike ownership changes no walking distance.
    const auto change = read_raster_layer(run.file(),
                                          "/ebike_more/difference/mobility/walk_m_to_grocery");
    for (std::size_t i = 0; i < change.values.size(); ++i) {
        if (change.mask.has_data(i)) {
            REQUIRE(change.values[i] == 0.0F);
        }
    }
}

TEST_CASE("ebike_ownership: the baseline share changes nothing, a higher share raises e-bike",
          "[access][e2e]") {
    const AccessBatch& run = batch();
    REQUIRE(run.result.exit_code == 0);
    const fs::path f = run.file();
    // The measure edits the mobility settings only: land cover is reused, mobility computed.
    CHECK(read_attribute(f, "/ebike_same", "reused_landcover").value_or("") == "baseline");
    CHECK_FALSE(read_attribute(f, "/ebike_same", "reused_mobility").has_value());
    CHECK(read_attribute(f, "/ebike_same", "modifications").value_or("").find("ebike_ownership") !=
          std::string::npos);

    const Table base = read_table(f, "/baseline/mobility/modal_split");
    const Table same = read_table(f, "/ebike_same/mobility/modal_split");
    const Table more = read_table(f, "/ebike_more/mobility/modal_split");
    CHECK(same_bits(column<double>(same, "share"), column<double>(base, "share")));
    CHECK(same_bits(column<double>(same, "baseline_share"), column<double>(base, "share")));
    const Table base_zones = read_table(f, "/baseline/mobility/zones");
    const Table same_zones = read_table(f, "/ebike_same/mobility/zones");
    for (const char* m : {"share_walk", "share_bike", "share_ebike", "share_bus", "share_car"}) {
        INFO(m);
        CHECK(same_bits(column<double>(same_zones, m), column<double>(base_zones, m)));
    }
    CHECK(std::stod(read_attribute(f, "/ebike_same/mobility", "car_person_km_change").value()) ==
          0.0);

    const auto& before = column<double>(more, "baseline_share");
    const auto& after = column<double>(more, "share");
    CHECK(after[2] > before[2]); // e-bike
    for (const std::size_t k : {0U, 1U, 3U, 4U}) {
        CHECK(after[k] < before[k]); // the pivot takes the new e-bike trips from every mode
    }
    double sum = 0.0;
    for (const double v : after) {
        sum += v;
    }
    CHECK(sum == Approx(1.0).epsilon(1e-12));
    // ln(0.4 / 0.13) is the only utility change: on every pair the odds of e-bike against any
    // other mode grow by 0.4 / 0.13, so the city e-bike share grows by less than that factor.
    CHECK(after[2] < before[2] * 0.4 / 0.13);
    CHECK(std::stod(read_attribute(f, "/ebike_more/mobility", "car_person_km_change").value()) <
          0.0);
}

TEST_CASE("ebike_ownership: a share outside 0-1 is a clear error with exit code 2",
          "[access][e2e]") {
    TempDir dir("access-bad");
    dir.write("bad.yaml", base_scenario() +
                              "modifications:\n  - {type: ebike_ownership, share: 1.5}\n");
    const CommandResult r = run_lauter_scenario(dir / "bad.yaml", dir / "out.h5");
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.yaml") != std::string::npos);
    CHECK(r.err.find("modifications[0].share") != std::string::npos);
    CHECK(r.err.find("1.5") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out.h5"));
}

TEST_CASE("batch: mobility indicators per district from the zones, by residents",
          "[access][e2e]") {
    const AccessBatch& run = batch();
    REQUIRE(run.result.exit_code == 0);
    const fs::path f = run.file();
    const Table t = read_table(f, "/comparison/indicators");
    const Table districts = read_table(f, "/comparison/districts/districts");
    const auto& names = column<std::string>(districts, "name");
    const std::vector<std::string> modes = {"walk", "bike", "ebike", "bus", "car"};
    for (const std::string member : {"baseline", "ebike_more"}) {
        INFO(member);
        const Table zones = read_table(f, "/" + member + "/mobility/zones");
        const Table origins = read_table(f, "/" + member + "/mobility/origins");
        const auto& trips = column<double>(zones, "trips_produced");
        const auto& zone_residents = column<double>(zones, "residents");
        // Independent assignment: the 500 m square (named after its south-west corner) that
        // holds each building, residents per zone and square.
        std::map<std::string, std::map<std::size_t, double>> in_square;
        std::vector<double> per_zone(zones.row_count(), 0.0);
        const auto& x = column<double>(origins, "x");
        const auto& y = column<double>(origins, "y");
        const auto& r = column<double>(origins, "residents");
        const auto& z = column<std::int64_t>(origins, "zone");
        for (std::size_t o = 0; o < x.size(); ++o) {
            char name[96];
            std::snprintf(name, sizeof name, "square_E%.0f_N%.0f", std::floor(x[o] / 500.0) * 500.0,
                          std::floor(y[o] / 500.0) * 500.0);
            in_square[name][static_cast<std::size_t>(z[o])] += r[o];
            per_zone[static_cast<std::size_t>(z[o])] += r[o];
        }
        for (std::size_t i = 0; i < per_zone.size(); ++i) {
            CHECK(per_zone[i] == Approx(zone_residents[i]).epsilon(1e-12));
        }
        std::size_t checked = 0;
        std::vector<double> city_weighted(modes.size(), 0.0);
        double city_weight = 0.0;
        for (const std::string& d : names) {
            INFO(d);
            const auto it = in_square.find(d);
            if (it == in_square.end()) {
                CHECK(std::isnan(indicator(t, member, d, "mode_share_percent_car")));
                continue;
            }
            for (std::size_t k = 0; k < modes.size(); ++k) {
                double num = 0.0;
                double den = 0.0;
                for (const auto& [zone, residents] : it->second) {
                    const double w = trips[zone] * residents / zone_residents[zone];
                    num += w * column<double>(zones, "share_" + modes[k])[zone];
                    den += w;
                }
                const double value = indicator(t, member, d, "mode_share_percent_" + modes[k]);
                CHECK(value == Approx(100.0 * num / den).epsilon(1e-9));
                city_weighted[k] += den * value;
                city_weight += k == 0 ? den : 0.0;
                ++checked;
            }
            double num = 0.0;
            double den = 0.0;
            for (const auto& [zone, residents] : it->second) {
                num += residents * column<double>(zones, "access_grocery")[zone];
                den += residents;
            }
            CHECK(indicator(t, member, d, "accessibility_share_grocery") ==
                  Approx(num / den).epsilon(1e-9));
            // value - baseline, per district too.
            CHECK(indicator(t, member, d, "mode_share_percent_ebike", "difference") ==
                  Approx(indicator(t, member, d, "mode_share_percent_ebike") -
                         indicator(t, "baseline", d, "mode_share_percent_ebike"))
                      .margin(1e-12));
        }
        CHECK(checked >= 10);
        // The districts together give back the city-wide shares of the modal split table.
        for (std::size_t k = 0; k < modes.size(); ++k) {
            CHECK(city_weighted[k] / city_weight ==
                  Approx(indicator(t, member, "all", "mode_share_percent_" + modes[k]))
                      .epsilon(1e-6));
        }
    }
    // More e-bike owners raise the e-bike share in every district with residents.
    std::size_t raised = 0;
    for (const std::string& d : names) {
        const double change = indicator(t, "ebike_more", d, "mode_share_percent_ebike",
                                        "difference");
        if (std::isfinite(change)) {
            CHECK(change > 0.0);
            ++raised;
        }
    }
    CHECK(raised >= 2);
    // The CSV holds the district rows as well.
    const std::string csv = read_text_file(run.dir / "access.h5.indicators.csv");
    CHECK(csv.find("ebike_more," + names.front() + ",mode_share_percent_ebike,%,") !=
          std::string::npos);
}

TEST_CASE("batch: PCT cross-check indicators for the whole area", "[access][pct][e2e]") {
    const AccessBatch& run = batch();
    REQUIRE(run.result.exit_code == 0);
    const fs::path f = run.file();
    const Table t = read_table(f, "/comparison/indicators");
    const std::vector<std::pair<std::string, std::string>> pct = {
        {"pct_pairs_cycle_share_percent", "pct_scenario_cycle_share"},
        {"pct_godutch_share_percent", "pct_godutch_share"},
        {"pct_ebike_share_percent", "pct_ebike_share"}};
    for (const std::string member : {"baseline", "ebike_same", "ebike_more"}) {
        for (const auto& [name, key] : pct) {
            INFO(member << " " << name);
            const double v = std::stod(read_attribute(f, "/" + member + "/mobility", key).value());
            CHECK(indicator(t, member, "all", name) == Approx(100.0 * v).epsilon(1e-12));
        }
    }
    // More e-bike owners raise the cycling share on the PCT pairs; the PCT potential is a
    // reference on the baseline routes and shares, the same for every member.
    CHECK(indicator(t, "ebike_more", "all", "pct_pairs_cycle_share_percent", "difference") > 0.0);
    CHECK(indicator(t, "ebike_same", "all", "pct_pairs_cycle_share_percent", "difference") == 0.0);
    CHECK(indicator(t, "ebike_more", "all", "pct_godutch_share_percent", "difference") == 0.0);
    CHECK(indicator(t, "ebike_more", "all", "pct_ebike_share_percent", "difference") == 0.0);
}

// Hidden (about 90 s on the shared machine, mostly the headless Chromium check): run with
// lauter_tests "[access-report]".
TEST_CASE("report: every indicator number of the access batch, districts included",
          "[.][access-report][report]") {
    const AccessBatch& run = batch();
    REQUIRE(run.result.exit_code == 0);
    const CommandResult r =
        run_python(source_dir() / "tests" / "viz" / "test_report.py",
                   {"--lauter", lauter_executable().string(), "--results", run.file().string()});
    INFO(r.out);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("indicator numbers checked") != std::string::npos);
}
