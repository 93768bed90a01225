// The HDF5 results file: write, read back, atomic commit, readability by h5py / xarray / GDAL,
// and the `lauter info` text.
#include <catch2/catch.hpp>

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/landcover.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/results.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>

using namespace lauter;
using namespace lauter::sim;
using lauter::test::TempDir;
using lauter::test::wkt_of_epsg;

namespace {

// 7 rows x 5 columns of 10 m in ETRS89 / UTM 32N, near Kaiserslautern.
kernels::GridSpec small_grid() {
    return test::make_grid(7, 5, 10.0, 10.0, 410000.0, 5477000.0, wkt_of_epsg(25832));
}

constexpr std::size_t no_data_row = 2;
constexpr std::size_t no_data_col = 3;

float elevation_at(std::size_t r, std::size_t c) {
    return 230.0F + 1.5F * static_cast<float>(r) + 0.25F * static_cast<float>(c);
}

std::uint8_t class_at(std::size_t r, std::size_t c) {
    return static_cast<std::uint8_t>((r + c) % kernels::land_cover_class_count + 1);
}

/// Mean of `value_at` over the 34 cells with data of the 7 x 5 grid, in double precision.
double valid_cell_mean(const std::function<double(std::size_t, std::size_t)>& value_at) {
    double sum = 0.0;
    for (std::size_t r = 0; r < 7; ++r) {
        for (std::size_t c = 0; c < 5; ++c) {
            if (r != no_data_row || c != no_data_col) {
                sum += value_at(r, c);
            }
        }
    }
    return sum / 34.0;
}

/// Mean of the elevation over the 34 cells with data.
double valid_elevation_mean() {
    return valid_cell_mean(
        [](std::size_t r, std::size_t c) { return static_cast<double>(elevation_at(r, c)); });
}

/// Mean of the land-cover class over the 34 cells with data.
double valid_class_mean() {
    return valid_cell_mean(
        [](std::size_t r, std::size_t c) { return static_cast<double>(class_at(r, c)); });
}

/// A number as `lauter info` prints it.
std::string as_printed(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

struct Fixture {
    kernels::GridSpec grid = small_grid();
    kernels::Raster<float> elevation{grid};
    kernels::Raster<std::uint8_t> land_cover{grid};
    kernels::CellMask mask{grid};
    LayerMeta elevation_meta;
    LayerMeta land_cover_meta;
    Table districts;
    RootAttributes root;

    Fixture() {
        for (std::size_t r = 0; r < grid.rows; ++r) {
            for (std::size_t c = 0; c < grid.cols; ++c) {
                elevation(r, c) = elevation_at(r, c);
                land_cover(r, c) = class_at(r, c);
            }
        }
        mask.set(no_data_row, no_data_col, kernels::CellStatus::no_data);
        // Values under the mask must not leak into the file.
        elevation(no_data_row, no_data_col) = -9999.0F;
        land_cover(no_data_row, no_data_col) = 7;

        elevation_meta.name = "elevation";
        elevation_meta.units = "m";
        elevation_meta.long_name = "terrain elevation above sea level";
        elevation_meta.standard_name = "surface_altitude";
        elevation_meta.comment = "DGM1 Rheinland-Pfalz, resampled";

        land_cover_meta.name = "land_cover";
        land_cover_meta.units = "1";
        land_cover_meta.long_name = "dominant land-cover class";
        for (const auto cls : kernels::all_land_cover_classes) {
            land_cover_meta.flag_values.push_back(static_cast<int>(cls));
            land_cover_meta.flag_meanings.emplace_back(kernels::land_cover_name(cls));
        }

        districts
            .add_column("name",
                        std::vector<std::string>{"Innenstadt", "Betzenberg", "Lämmchesberg"})
            .add_column("sealed_area", std::vector<double>{1.25e5, 8.5e4, 3.0e4}, "m2")
            .add_column("households", std::vector<std::int64_t>{4200, 2100, 0}, "1");

        root.lauter_version = "0.1.0";
        root.git_hash = "0123abc";
        root.created_utc = "2024-06-11T08:15:00Z";
        root.title = "results test";
        root.attribution = "© OpenStreetMap contributors, ODbL 1.0";
        root.extra = {{"study_area", "Kaiserslautern"}};
    }

    void write(const std::filesystem::path& file, const WriteOptions& options = {}) const {
        ResultsWriter writer(file, root, options);
        writer.set_group_attribute("/baseline", "scenario_yaml",
                                   "name: baseline\nmodels: [terrain]\n");
        writer.set_group_attribute("/baseline", "input_sha256", "e3b0c442");
        writer.set_group_number("/baseline", "rain_m3", 1307905.25);
        writer.write_raster("/baseline/terrain", elevation_meta, elevation, mask);
        writer.write_raster("/baseline/terrain", land_cover_meta, land_cover, mask);
        writer.write_table("/baseline/terrain", "districts", districts);
        writer.commit();
    }
};

/// The blank-separated words of the first line of `text` whose first word is `first_word`.
std::vector<std::string> words_of_line_starting_with(const std::string& text,
                                                     const std::string& first_word) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::vector<std::string> result;
        std::string word;
        while (words >> word) {
            result.push_back(word);
        }
        if (!result.empty() && result.front() == first_word) {
            return result;
        }
    }
    return {};
}

} // namespace

TEST_CASE("results: rasters, tables and attributes read back exactly", "[results]") {
    TempDir dir;
    const Fixture fx;
    const auto file = dir / "out.h5";
    fx.write(file);

    SECTION("float layer: values, NaN at no-data, grid, metadata") {
        const ReadLayer layer = read_raster_layer(file, "/baseline/terrain/elevation");
        CHECK(layer.values.spec().is_same_grid(fx.grid));
        CHECK(layer.mask.count_with_data() == fx.grid.cell_count() - 1);
        CHECK_FALSE(layer.mask.has_data(no_data_row, no_data_col));
        CHECK(std::isnan(layer.values(no_data_row, no_data_col)));
        for (std::size_t r = 0; r < fx.grid.rows; ++r) {
            for (std::size_t c = 0; c < fx.grid.cols; ++c) {
                if (r != no_data_row || c != no_data_col) {
                    CHECK(layer.values(r, c) == elevation_at(r, c));
                }
            }
        }
        CHECK(layer.meta.name == "elevation");
        CHECK(layer.meta.units == "m");
        CHECK(layer.meta.long_name == fx.elevation_meta.long_name);
        CHECK(layer.meta.standard_name == "surface_altitude");
        CHECK(layer.meta.comment == fx.elevation_meta.comment);
        CHECK(layer.meta.flag_values.empty());
    }

    SECTION("uint8 layer: categories, flags, no-data as 0") {
        const ReadLayer layer = read_raster_layer(file, "baseline/terrain/land_cover");
        CHECK(layer.values.spec().is_same_grid(fx.grid));
        CHECK(std::isnan(layer.values(no_data_row, no_data_col)));
        CHECK(layer.values(0, 0) == 1.0F);
        CHECK(layer.values(6, 4) == static_cast<float>(class_at(6, 4)));
        CHECK(layer.meta.flag_values == fx.land_cover_meta.flag_values);
        CHECK(layer.meta.flag_meanings == fx.land_cover_meta.flag_meanings);
    }

    SECTION("layer list with statistics over valid cells") {
        const auto layers = list_layers(file);
        REQUIRE(layers.size() == 2);
        const LayerInfo& e = layers[0];
        CHECK(e.path == "/baseline/terrain/elevation");
        CHECK(e.dtype == "float32");
        CHECK(e.rows == 7);
        CHECK(e.cols == 5);
        CHECK(e.valid_cells == 34);
        CHECK(e.min == Approx(230.0));
        CHECK(e.max == Approx(230.0 + 1.5 * 6 + 0.25 * 4));
        CHECK(e.mean == Approx(valid_elevation_mean()));
        CHECK(layers[1].path == "/baseline/terrain/land_cover");
        CHECK(layers[1].dtype == "uint8");
        CHECK(layers[1].valid_cells == 34);
        CHECK(layers[1].min == 1.0);
        CHECK(layers[1].max == 8.0);
    }

    SECTION("table round trip with units") {
        const auto tables = list_tables(file);
        REQUIRE(tables.size() == 1);
        CHECK(tables[0].path == "/baseline/terrain/districts");
        CHECK(tables[0].rows == 3);
        CHECK(tables[0].column_names ==
              std::vector<std::string>{"name", "sealed_area", "households"});
        CHECK(tables[0].column_units == std::vector<std::string>{"", "m2", "1"});
        const Table t = read_table(file, "/baseline/terrain/districts");
        REQUIRE(t.column_count() == 3);
        CHECK(std::get<std::vector<std::string>>(t.column("name").values) ==
              std::get<std::vector<std::string>>(fx.districts.column("name").values));
        CHECK(std::get<std::vector<double>>(t.column("sealed_area").values) ==
              std::vector<double>{1.25e5, 8.5e4, 3.0e4});
        CHECK(std::get<std::vector<std::int64_t>>(t.column("households").values) ==
              std::vector<std::int64_t>{4200, 2100, 0});
        CHECK(t.column("sealed_area").units == "m2");
    }

    SECTION("root, group and grid-mapping attributes") {
        CHECK(read_attribute(file, "/", "Conventions") == "CF-1.8");
        CHECK(read_attribute(file, "/", "lauter_version") == "0.1.0");
        CHECK(read_attribute(file, "/", "git_hash") == "0123abc");
        CHECK(read_attribute(file, "/", "created") == "2024-06-11T08:15:00Z");
        CHECK(read_attribute(file, "/", "attribution") == fx.root.attribution);
        CHECK(read_attribute(file, "/", "study_area") == "Kaiserslautern");
        CHECK_FALSE(read_attribute(file, "/", "no_such_key").has_value());
        const auto root_attributes = read_attributes(file, "/");
        REQUIRE(root_attributes.size() == 7);
        CHECK(root_attributes.front().first == "Conventions");
        CHECK(root_attributes.back().first == "study_area");
        CHECK(read_attribute(file, "/baseline", "scenario_yaml") ==
              "name: baseline\nmodels: [terrain]\n");
        CHECK(read_attribute(file, "/baseline", "rain_m3") == "1307905.25");
        const std::string crs = "/baseline/terrain/crs";
        CHECK(read_attribute(file, crs, "grid_mapping_name") == "transverse_mercator");
        CHECK(read_attribute(file, crs, "longitude_of_central_meridian") == "9");
        CHECK(read_attribute(file, crs, "scale_factor_at_central_meridian") == "0.9996");
        CHECK(read_attribute(file, crs, "false_easting") == "500000");
        CHECK(read_attribute(file, crs, "latitude_of_projection_origin") == "0");
        CHECK(read_attribute(file, crs, "semi_major_axis") == "6378137");
        CHECK(read_attribute(file, crs, "crs_wkt") == fx.grid.crs_wkt);
        CHECK(read_attribute(file, crs, "spatial_ref") == fx.grid.crs_wkt);
        CHECK(read_attribute(file, crs, "GeoTransform") == "410000 10 0 5477000 0 -10");
        CHECK(read_attribute(file, "/baseline/terrain/x", "axis") == "X");
        CHECK(read_attribute(file, "/baseline/terrain/y", "standard_name") ==
              "projection_y_coordinate");
    }
}

TEST_CASE("results: geographic grids get a latitude_longitude grid mapping", "[results]") {
    TempDir dir;
    const kernels::GridSpec g =
        test::make_grid(3, 4, 0.001, 0.0005, 7.70, 49.45, wkt_of_epsg(4326));
    kernels::Raster<float> values(g, 1.0F);
    // Name "ones", units "1", nothing else. (Initialised as an aggregate: assigning the
    // literals one by one trips a false -Wrestrict of GCC 12 here.)
    const LayerMeta meta{"ones", "1", {}, {}, {}, {}, {}};
    const auto file = dir / "geographic.h5";
    {
        ResultsWriter writer(file, RootAttributes{});
        writer.write_raster("/s/m", meta, values, kernels::CellMask(g));
        writer.commit();
    }
    CHECK(read_attribute(file, "/s/m/crs", "grid_mapping_name") == "latitude_longitude");
    CHECK(read_attribute(file, "/s/m/x", "units") == "degrees_east");
    CHECK(read_attribute(file, "/s/m/y", "standard_name") == "latitude");
    const ReadLayer layer = read_raster_layer(file, "/s/m/ones");
    CHECK(layer.values.spec().is_same_grid(g));
}

TEST_CASE("results: commit is atomic; abandoned writes leave nothing behind", "[results]") {
    TempDir dir;
    const Fixture fx;
    const auto file = dir / "results.h5";

    SECTION("nothing at final_path before commit; no temporary file after an abandoned write") {
        {
            ResultsWriter writer(file, fx.root);
            CHECK(std::filesystem::exists(writer.temporary_path()));
            CHECK(writer.temporary_path().parent_path() == file.parent_path());
            writer.write_raster("/baseline/terrain", fx.elevation_meta, fx.elevation, fx.mask);
            CHECK_FALSE(std::filesystem::exists(file));
        }
        CHECK(dir.entries().empty());
    }

    SECTION("an exception while writing leaves an existing file untouched") {
        test::write_text_file(file, "previous results");
        try {
            ResultsWriter writer(file, fx.root);
            writer.write_raster("/baseline/terrain", fx.elevation_meta, fx.elevation, fx.mask);
            kernels::GridSpec other = fx.grid;
            other.x0 += 10.0;
            kernels::Raster<float> shifted(other, 1.0F);
            LayerMeta meta = fx.elevation_meta;
            meta.name = "shifted";
            writer.write_raster("/baseline/terrain", meta, shifted, kernels::CellMask(other));
            FAIL("a raster on another grid in the same group must be rejected");
        } catch (const std::invalid_argument& e) {
            CHECK_THAT(e.what(), Catch::Contains("share one grid"));
        }
        CHECK(test::read_text_file(file) == "previous results");
        CHECK(dir.entries() == std::vector<std::string>{"results.h5"});
    }

    SECTION("commit replaces an existing file") {
        test::write_text_file(file, "previous results");
        fx.write(file);
        CHECK(dir.entries() == std::vector<std::string>{"results.h5"});
        CHECK(list_layers(file).size() == 2);
    }

    SECTION("a moved writer commits once; the moved-from one is inert") {
        ResultsWriter first(file, fx.root);
        ResultsWriter second = std::move(first);
        second.write_raster("/baseline/terrain", fx.elevation_meta, fx.elevation, fx.mask);
        CHECK_THROWS_AS(first.commit(), std::logic_error); // NOLINT(bugprone-use-after-move)
        second.commit();
        CHECK_THROWS_AS(second.set_group_attribute("/", "late", "x"), std::logic_error);
        CHECK_THROWS_AS(second.commit(), std::logic_error);
        CHECK(std::filesystem::exists(file));
        CHECK(dir.entries() == std::vector<std::string>{"results.h5"});
    }
}

TEST_CASE("results: the file opens in h5py, xarray (netcdf4, h5netcdf) and gdalinfo",
          "[results][python]") {
    TempDir dir;
    const Fixture fx;
    const auto file = dir / "out.h5";
    // Small chunks so that the 7 x 5 layer really has several chunks.
    fx.write(file, WriteOptions{4, 4, 2});

    std::ostringstream json;
    json.precision(17);
    json << "{\"group\": \"/baseline/terrain\", \"float_layer\": \"elevation\", "
            "\"uint8_layer\": \"land_cover\", \"table\": \"districts\", \"units\": \"m\", "
            "\"epsg\": 25832, \"table_rows\": 3, "
            "\"table_columns\": [\"name\", \"sealed_area\", \"households\"], "
            "\"geotransform\": [410000, 10, 0, 5477000, 0, -10], \"flag_values\": [";
    for (std::size_t i = 0; i < fx.land_cover_meta.flag_values.size(); ++i) {
        json << (i > 0 ? ", " : "") << fx.land_cover_meta.flag_values[i];
    }
    json << "], \"flag_meanings\": [";
    for (std::size_t i = 0; i < fx.land_cover_meta.flag_meanings.size(); ++i) {
        json << (i > 0 ? ", " : "") << '"' << fx.land_cover_meta.flag_meanings[i] << '"';
    }
    json << "], \"x\": [";
    for (std::size_t c = 0; c < fx.grid.cols; ++c) {
        json << (c > 0 ? ", " : "") << fx.grid.cell_centre_x(c);
    }
    json << "], \"y\": [";
    for (std::size_t r = 0; r < fx.grid.rows; ++r) {
        json << (r > 0 ? ", " : "") << fx.grid.cell_centre_y(r);
    }
    const auto rows = [&](bool categories) {
        json << "[";
        for (std::size_t r = 0; r < fx.grid.rows; ++r) {
            json << (r > 0 ? ", [" : "[");
            for (std::size_t c = 0; c < fx.grid.cols; ++c) {
                json << (c > 0 ? ", " : "");
                const bool masked = r == no_data_row && c == no_data_col;
                if (categories) {
                    json << (masked ? 0 : static_cast<int>(class_at(r, c)));
                } else if (masked) {
                    json << "null";
                } else {
                    json << static_cast<double>(elevation_at(r, c));
                }
            }
            json << "]";
        }
        json << "]";
    };
    json << "], \"values\": ";
    rows(false);
    json << ", \"categories\": ";
    rows(true);
    json << "}";
    const auto expected = dir.write("expected.json", json.str());

    const test::CommandResult check =
        test::run_python(test::source_dir() / "tests/python/check_results_file.py",
                         {file.string(), expected.string()});
    // Its checks print to stdout, Python errors go to stderr: both are searched.
    const std::string output = check.out + check.err;
    INFO(output);
    CHECK(check.exit_code == 0);
    CHECK(output.find("FAIL") == std::string::npos);
    CHECK(output.find("gdalinfo: geoTransform") != std::string::npos);
}

TEST_CASE("results: info text lists attributes, layer statistics and tables", "[results]") {
    TempDir dir;
    const Fixture fx;
    const auto file = dir / "out.h5";
    fx.write(file);
    std::ostringstream out;
    print_results_info(file, out);
    const std::string text = out.str();
    INFO(text);
    CHECK_THAT(text, Catch::Contains("lauter version:  0.1.0"));
    CHECK_THAT(text, Catch::Contains("git hash:        0123abc"));
    CHECK_THAT(text, Catch::Contains("created (UTC):   2024-06-11T08:15:00Z"));
    CHECK_THAT(text, Catch::Contains("© OpenStreetMap contributors, ODbL 1.0"));
    CHECK_THAT(text, Catch::Contains("scenario baseline"));
    CHECK_THAT(text, Catch::Contains("scenario_yaml:  (text of 2 lines)"));
    CHECK_THAT(text, Catch::Contains("model terrain: 7 x 5 cells of 10 m x 10 m"));
    CHECK_THAT(text, Catch::Contains("EPSG:25832"));
    // Elevation: min 230, max 240, mean over the 34 valid cells (as printed with %.6g).
    CHECK(words_of_line_starting_with(text, "elevation") ==
          std::vector<std::string>{"elevation", "m", "230", as_printed(valid_elevation_mean()),
                                   "240", "34", "of", "35"});
    CHECK(words_of_line_starting_with(text, "land_cover") ==
          std::vector<std::string>{"land_cover", "1", "1", as_printed(valid_class_mean()), "8",
                                   "34", "of", "35"});
    CHECK(words_of_line_starting_with(text, "Betzenberg") ==
          std::vector<std::string>{"Betzenberg", "85000", "2100"});
    CHECK_THAT(text, Catch::Contains("upper-left corner (410000, 5477000)"));
    CHECK_THAT(text, Catch::Contains("table districts: 3 rows"));
    CHECK_THAT(text, Catch::Contains("name          sealed_area (m2)  households (1)"));
    // Columns stay aligned with a non-ASCII name: right-aligned numbers end in the same column.
    const auto line_with = [&text](const std::string& word) {
        const auto start = text.rfind('\n', text.find(word)) + 1;
        return text.substr(start, text.find('\n', start) - start);
    };
    CHECK(line_with("Betzenberg").size() + 1 == line_with("Lämmchesberg").size());
    CHECK(text.find("HDF5") == std::string::npos);
    CHECK(text.find("dataset") == std::string::npos);
}

TEST_CASE("results: bad input gives one clear error naming the file", "[results]") {
    TempDir dir;
    const Fixture fx;
    const auto file = dir / "out.h5";
    fx.write(file);

    SECTION("reader") {
        CHECK_THROWS_AS(list_layers(dir / "missing.h5"), InputError);
        CHECK_THROWS_WITH(list_layers(dir / "missing.h5"),
                          Catch::Contains("missing.h5") && Catch::Contains("does not exist"));
        const auto text_file = dir.write("notes.h5", "not hdf5\n");
        CHECK_THROWS_WITH(list_tables(text_file),
                          Catch::Contains("notes.h5") && Catch::Contains("not an HDF5 file"));
        CHECK_THROWS_AS(read_raster_layer(file, "/baseline/terrain/depth"), InputError);
        CHECK_THROWS_WITH(read_raster_layer(file, "/baseline/terrain/depth"),
                          Catch::Contains("out.h5") &&
                              Catch::Contains("/baseline/terrain/elevation") &&
                              Catch::Contains("/baseline/terrain/land_cover"));
        CHECK_THROWS_WITH(read_table(file, "/baseline/terrain/elevation"),
                          Catch::Contains("/baseline/terrain/districts"));
        CHECK_THROWS_AS(read_attributes(file, "/nowhere"), InputError);
    }

    SECTION("writer") {
        CHECK_THROWS_AS(ResultsWriter(dir / "no_dir" / "out.h5", fx.root), InputError);
        CHECK_THROWS_AS(ResultsWriter(dir / "x.h5", fx.root, WriteOptions{12, 256, 256}),
                        ConfigError);
        ResultsWriter writer(dir / "bad.h5", fx.root);
        LayerMeta meta = fx.elevation_meta;
        meta.name = "bad name";
        CHECK_THROWS_AS(writer.write_raster("/s/m", meta, fx.elevation, fx.mask),
                        std::invalid_argument);
        CHECK_THROWS_AS(writer.write_raster("/s/m m", fx.elevation_meta, fx.elevation, fx.mask),
                        ConfigError);
        kernels::Raster<std::uint8_t> zeros(fx.grid, 0);
        CHECK_THROWS_WITH(writer.write_raster("/s/m", fx.land_cover_meta, zeros, fx.mask),
                          Catch::Contains("0 is the no-data value"));
        writer.write_raster("/s/m", fx.elevation_meta, fx.elevation, fx.mask);
        CHECK_THROWS_WITH(writer.write_raster("/s/m", fx.elevation_meta, fx.elevation, fx.mask),
                          Catch::Contains("already exists"));
        LayerMeta flags = fx.land_cover_meta;
        flags.name = "flags";
        flags.flag_meanings.pop_back();
        CHECK_THROWS_AS(writer.write_raster("/s/m", flags, fx.land_cover, fx.mask),
                        std::invalid_argument);
        kernels::GridSpec smaller = fx.grid;
        smaller.rows = 3;
        CHECK_THROWS_AS(writer.write_raster("/s/n", fx.elevation_meta, fx.elevation,
                                            kernels::CellMask(smaller)),
                        std::invalid_argument);
    }

    SECTION("writer: failures in the constructor leave no temporary file") {
        RootAttributes root = fx.root;
        root.extra = {{"bad key", "x"}};
        CHECK_THROWS_AS(ResultsWriter(dir / "y.h5", root), std::invalid_argument);
        kernels::GridSpec g = fx.grid;
        g.crs_wkt = "not a CRS";
        ResultsWriter writer(dir / "z.h5", fx.root);
        kernels::Raster<float> r(g, 1.0F);
        CHECK_THROWS_WITH(writer.write_raster("/s/m", fx.elevation_meta, r, kernels::CellMask(g)),
                          Catch::Contains("not valid WKT"));
    }

    SECTION("table") {
        Table t;
        t.add_column("a", std::vector<double>{1.0, 2.0});
        CHECK_THROWS_AS(t.add_column("b", std::vector<std::int64_t>{1}), std::invalid_argument);
        CHECK_THROWS_AS(t.add_column("a", std::vector<double>{3.0, 4.0}), std::invalid_argument);
        CHECK_THROWS_AS(t.add_column("a-b", std::vector<double>{3.0, 4.0}), std::invalid_argument);
        CHECK_THROWS_WITH(t.column("c"), Catch::Contains("columns: a"));
    }
}

TEST_CASE("results: layers written by other tools (south-up, own fill value) are read",
          "[results]") {
    // A plain HDF5 file as another program might write it: no creation order, no GeoTransform,
    // float64 values, y ascending (south-up) and -9999 as _FillValue.
    TempDir dir;
    const auto file = dir / "foreign.h5";
    {
        const hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        REQUIRE(f >= 0);
        const auto make_1d = [f](const char* name, const std::vector<double>& values) {
            const hsize_t n[1] = {values.size()};
            const hid_t space = H5Screate_simple(1, n, nullptr);
            const hid_t d = H5Dcreate2(f, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                                       H5P_DEFAULT);
            H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
            H5DSset_scale(d, name);
            H5Sclose(space);
            return d;
        };
        const hid_t x = make_1d("x", {102.0, 106.0});
        const hid_t y = make_1d("y", {201.0, 203.0, 205.0});
        const hsize_t dims[2] = {3, 2};
        const hid_t space = H5Screate_simple(2, dims, nullptr);
        const hid_t d = H5Dcreate2(f, "depth", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                                   H5P_DEFAULT);
        // Row 0 is the southern row (y = 201).
        const std::array<double, 6> values = {1.0, 2.0, 3.0, -9999.0, 5.0, 6.0};
        H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
        const double fill = -9999.0;
        const hid_t scalar = H5Screate(H5S_SCALAR);
        const hid_t attr = H5Acreate2(d, "_FillValue", H5T_IEEE_F64LE, scalar, H5P_DEFAULT,
                                      H5P_DEFAULT);
        H5Awrite(attr, H5T_NATIVE_DOUBLE, &fill);
        H5DSattach_scale(d, y, 0);
        H5DSattach_scale(d, x, 1);
        H5Aclose(attr);
        H5Sclose(scalar);
        H5Sclose(space);
        H5Dclose(d);
        H5Dclose(x);
        H5Dclose(y);
        REQUIRE(H5Fclose(f) >= 0);
    }
    const ReadLayer layer = read_raster_layer(file, "/depth");
    const kernels::GridSpec& g = layer.values.spec();
    CHECK(g.rows == 3);
    CHECK(g.cols == 2);
    CHECK(g.x0 == 100.0);
    CHECK(g.cell_size_x_m == 4.0);
    CHECK(g.y0 == 206.0);
    CHECK(g.cell_size_y_m == 2.0);
    CHECK(g.crs_wkt.empty());
    // Flipped to north-up: the northern row (y = 205) comes first.
    CHECK(layer.values(0, 0) == 5.0F);
    CHECK(layer.values(0, 1) == 6.0F);
    CHECK(layer.values(2, 0) == 1.0F);
    CHECK_FALSE(layer.mask.has_data(1, 1));
    CHECK(std::isnan(layer.values(1, 1)));
    const auto layers = list_layers(file);
    REQUIRE(layers.size() == 1);
    CHECK(layers[0].dtype == "float64");
    CHECK(layers[0].valid_cells == 5);
    CHECK(layers[0].mean == Approx(17.0 / 5.0));
}
