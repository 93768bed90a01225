// End-to-end runs of the `lauter` executable: the Kaiserslautern baseline at coarse resolution,
// reading the results back with independent tools (h5py, xarray, gdalinfo), exporting a layer, the
// tools, and bad input answered with exit code 2, one clear message and no output file.
#include <catch2/catch.hpp>

#include "../support/test_support.hpp"

#include <filesystem>
#include <string>

using namespace lauter::test;
namespace fs = std::filesystem;

namespace {

std::filesystem::path baseline_scenario() {
    return source_dir() / "scenarios/kaiserslautern/baseline.yaml";
}

/// Runs the baseline once per test binary run, at 50 m (fast), and keeps the file for all checks.
const fs::path& baseline_results() {
    static TempDir dir;
    static const fs::path results = [] {
        const fs::path out = dir / "baseline.h5";
        const CommandResult r =
            run_lauter_scenario(baseline_scenario(), out,
                                "--set study_area.resolution_m=50 --threads 2");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return out;
    }();
    return results;
}

} // namespace

TEST_CASE("lauter --help explains the commands", "[e2e]") {
    const CommandResult r = run_command(lauter_command() + " --help");
    CHECK(r.exit_code == 0);
    for (const char* word : {"run", "info", "export", "tool", "schema", "Exit codes"}) {
        INFO(word);
        CHECK(r.out.find(word) != std::string::npos);
    }
    const CommandResult run_help = run_command(lauter_command() + " run --help");
    CHECK(run_help.exit_code == 0);
    CHECK(run_help.out.find("--set") != std::string::npos);
    CHECK(run_help.out.find("--threads") != std::string::npos);
}

TEST_CASE("lauter tool --list names every tool", "[e2e]") {
    const CommandResult r = run_command(lauter_command() + " tool --list");
    CHECK(r.exit_code == 0);
    for (const char* tool : {"slope", "aspect", "hillshade", "fill", "flowacc", "sinks", "terrain-reconstruct"}) {
        INFO(tool);
        CHECK(r.out.find(tool) != std::string::npos);
    }
}

TEST_CASE("Kaiserslautern baseline: results open in h5py, xarray and GDAL", "[e2e]") {
    const fs::path& results = baseline_results();
    REQUIRE(fs::exists(results));

    const std::string script = R"PY(
import sys, h5py, numpy as np, xarray as xr
path = sys.argv[1]
with h5py.File(path, "r") as f:
    for key in ("lauter_version", "git_hash", "created", "attribution", "Conventions"):
        assert key in f.attrs, key
    assert "OpenStreetMap" in f.attrs["attribution"].decode() if isinstance(f.attrs["attribution"], bytes) else "OpenStreetMap" in f.attrs["attribution"]
    for layer in ("baseline/terrain/elevation", "baseline/landcover/land_cover_class",
                  "baseline/landcover/impervious_fraction"):
        assert layer in f, layer
        assert "units" in f[layer].attrs and "long_name" in f[layer].attrs, layer
    scenario = f["baseline"].attrs.get("resolved_scenario")
    assert scenario is not None
for engine in ("netcdf4", "h5netcdf"):
    ds = xr.open_dataset(path, group="baseline/terrain", engine=engine)
    assert "x" in ds.coords and "y" in ds.coords, engine
    assert ds["elevation"].dims == ("y", "x"), ds["elevation"].dims
    x, y = ds["x"].values, ds["y"].values
    assert np.allclose(np.diff(x), 50.0) and np.allclose(np.diff(y), -50.0)
    # EPSG:25832 eastings/northings of central Kaiserslautern
    assert 405000 < x.mean() < 415000 and 5470000 < y.mean() < 5480000, (x.mean(), y.mean())
    elev = ds["elevation"].values
    assert np.nanmin(elev) > 150 and np.nanmax(elev) < 600, (np.nanmin(elev), np.nanmax(elev))
    lc = xr.open_dataset(path, group="baseline/landcover", engine=engine)
    imp = lc["impervious_fraction"].values
    assert np.nanmin(imp) >= 0 and np.nanmax(imp) <= 1
print("ok")
)PY";
    const TempDir dir;
    const CommandResult py = run_python(dir.write("check.py", script), {results.string()});
    INFO(py.out << py.err);
    CHECK(py.exit_code == 0);

    const CommandResult gdal = run_command("gdalinfo " + shell_quote("NETCDF:\"" + results.string() +
                                                                     "\":/baseline/terrain/elevation"));
    INFO(gdal.out << gdal.err);
    CHECK(gdal.exit_code == 0);
    CHECK(gdal.out.find("UTM zone 32N") != std::string::npos);
    CHECK(gdal.out.find("Pixel Size = (50.") != std::string::npos);
}

TEST_CASE("lauter info lists layers and land-cover class areas", "[e2e]") {
    const CommandResult r = run_command(lauter_command() + " info " + shell_quote(baseline_results().string()));
    INFO(r.err);
    CHECK(r.exit_code == 0);
    for (const char* word : {"elevation", "impervious_fraction", "building", "trees", "open_land", "m2"}) {
        INFO(word);
        CHECK(r.out.find(word) != std::string::npos);
    }
    CHECK(r.out.find("illustrative terrain") != std::string::npos);
}

TEST_CASE("lauter export writes a Cloud-Optimized GeoTIFF", "[e2e]") {
    TempDir dir;
    const fs::path tif = dir / "elevation.tif";
    const CommandResult r = run_command(lauter_command() + " export " +
                                        shell_quote(baseline_results().string()) +
                                        " baseline/terrain/elevation -o " + shell_quote(tif.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const CommandResult info = run_command("gdalinfo " + shell_quote(tif.string()));
    CHECK(info.out.find("LAYOUT=COG") != std::string::npos);
    CHECK(info.out.find("UTM zone 32N") != std::string::npos);

    const CommandResult missing = run_command(lauter_command() + " export " +
                                              shell_quote(baseline_results().string()) +
                                              " baseline/terrain/no_such_layer -o " +
                                              shell_quote((dir / "x.tif").string()));
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("no_such_layer") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "x.tif"));
}

TEST_CASE("lauter tool slope and hillshade run on an exported GeoTIFF", "[e2e]") {
    TempDir dir;
    const fs::path dem = dir / "dem.tif";
    REQUIRE(run_command(lauter_command() + " -q export " + shell_quote(baseline_results().string()) +
                        " baseline/terrain/elevation -o " + shell_quote(dem.string()))
                .exit_code == 0);
    for (const char* tool : {"slope", "aspect", "hillshade"}) {
        const fs::path out = dir / (std::string(tool) + ".tif");
        const CommandResult r = run_command(lauter_command() + " tool " + tool + " " +
                                            shell_quote(dem.string()) + " " + shell_quote(out.string()));
        INFO(tool << ": " << r.err);
        CHECK(r.exit_code == 0);
        CHECK(fs::exists(out));
    }
    const CommandResult missing = run_command(lauter_command() + " tool slope " +
                                              shell_quote((dir / "nope.tif").string()) + " " +
                                              shell_quote((dir / "out.tif").string()));
    CHECK(missing.exit_code == 2);
    CHECK_FALSE(fs::exists(dir / "out.tif"));
}

TEST_CASE("Bad scenarios exit with code 2, name file, line and key, and write nothing", "[e2e]") {
    TempDir dir;
    const fs::path out = dir / "out.h5";
    const std::string inputs = (source_dir() / "inputs/kaiserslautern").string();
    const std::string good_head = "name: bad\nstudy_area:\n  crs: EPSG:25832\n  extent_from: osm\n";
    const std::string good_inputs = "inputs:\n  osm: " + inputs + "/kaiserslautern_uni.osm.gz\n  dem: " +
                                    inputs + "/terrain_illustrative.tif\n";

    struct Case {
        const char* what;
        std::string yaml;
        std::string expected; ///< part of the message
    };
    const std::vector<Case> cases = {
        {"misspelt key", good_head + "  resolutoin_m: 10\n" + good_inputs, "did you mean 'resolution_m'"},
        {"out of range", good_head + "  resolution_m: -5\n" + good_inputs, "resolution_m"},
        {"missing file", good_head + "inputs:\n  osm: /nonexistent/city.osm\n  dem: " + inputs +
                             "/terrain_illustrative.tif\n",
         "/nonexistent/city.osm"},
        {"wrong type", good_head + "  resolution_m: ten\n" + good_inputs, "resolution_m"},
    };
    for (const Case& c : cases) {
        const fs::path scenario = dir / "bad.yaml";
        write_text_file(scenario, c.yaml);
        const CommandResult r = run_lauter_scenario(scenario, out);
        INFO(c.what << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("bad.yaml:") != std::string::npos);
        CHECK(r.err.find(c.expected) != std::string::npos);
        CHECK_FALSE(fs::exists(out));
    }

    const CommandResult bad_set =
        run_lauter_scenario(baseline_scenario(), out, "--set study_area.resolution=5");
    INFO(bad_set.err);
    CHECK(bad_set.exit_code == 2);
    CHECK(bad_set.err.find("resolution_m") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("A DEM without a CRS is rejected unless the scenario states one", "[e2e]") {
    TempDir dir;
    const fs::path dem = dir / "nocrs.asc";
    // An ESRI ASCII grid without a .prj file carries no CRS.
    write_text_file(dem, "ncols 4\nnrows 3\nxllcorner 408000\nyllcorner 5474500\ncellsize 500\n"
                         "NODATA_value -9999\n240 241 242 243\n244 245 246 247\n248 249 250 251\n");
    const std::string inputs = (source_dir() / "inputs/kaiserslautern").string();
    const std::string yaml = "name: nocrs\nstudy_area:\n  crs: EPSG:25832\n"
                             "  extent: [408500, 5475000, 409200, 5475800]\n  resolution_m: 100\n"
                             "inputs:\n  osm: " + inputs + "/kaiserslautern_uni.osm.gz\n  dem: " +
                             dem.string() + "\n";
    write_text_file(dir / "s.yaml", yaml);
    const fs::path out = dir / "out.h5";
    const CommandResult r = run_lauter_scenario(dir / "s.yaml", out);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("nocrs.asc") != std::string::npos);
    CHECK(r.err.find("dem_crs") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
    // The results file was opened before the inputs were read: its temporary file is gone too.
    for (const std::string& name : dir.entries()) {
        INFO(name);
        CHECK(name.find("out.h5") == std::string::npos);
    }

    write_text_file(dir / "s2.yaml", yaml + "  dem_crs: EPSG:25832\n");
    const CommandResult ok = run_command(lauter_command() + " -q run " + shell_quote((dir / "s2.yaml").string()) +
                                         " -o " + shell_quote(out.string()));
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(fs::exists(out));
}
