// End-to-end runs of `lauter report`: a real `lauter run` on the Kaiserslautern city-centre
// extract at 50 m (terrain, land cover, runoff, thermal) drawn into a report and checked by
// tests/viz/test_report.py (maps with content, categorical legends, no web references, headless
// Chromium), and the failures: a missing results file (exit 2), a missing script, interpreter or
// Python module (exit 1), each with one clear message.
#include <catch2/catch.hpp>

#include "../support/test_support.hpp"

#include <filesystem>
#include <string>

using namespace lauter::test;
namespace fs = std::filesystem;

namespace {

/// The city-centre extract at 50 m with every model that is cheap at that resolution: a
/// 10 min block rain with 10 min of drainage and an 8-direction sky view factor.
std::string scenario_text() {
    return "name: cc50\n"
           "description: \"city centre, 50 m, report test\"\n"
           "study_area:\n"
           "  crs: EPSG:25832\n"
           "  extent_from: osm\n"
           "  resolution_m: 50\n"
           + city_centre_inputs_yaml() +
           "models:\n"
           "  terrain: {enabled: true}\n"
           "  landcover: {enabled: true}\n"
           "  runoff:\n"
           "    enabled: true\n"
           "    storm: {type: block, intensity_mm_per_h: 60, duration_min: 10}\n"
           "    drainage_time_min: 10\n"
           "  thermal:\n"
           "    enabled: true\n"
           "    sky_view_factor: {directions: 8, search_radius_m: 300}\n";
}

/// The results of one run, shared by the tests of this file.
const fs::path& city_centre_results() {
    static TempDir dir("report-e2e");
    static const fs::path results = [] {
        dir.write("cc50.yaml", scenario_text());
        const CommandResult r =
            run_command(lauter_command() + " -q run " + shell_quote((dir / "cc50.yaml").string()) +
                        " -o " + shell_quote((dir / "cc50.h5").string()) + " --threads 2");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return dir / "cc50.h5";
    }();
    return results;
}

} // namespace

TEST_CASE("lauter report: a real single run, maps and page checked", "[report][e2e]") {
    const fs::path& results = city_centre_results();
    const CommandResult r =
        run_python(source_dir() / "tests" / "viz" / "test_report.py",
                   {"--lauter", lauter_executable().string(), "--results", results.string()});
    INFO(r.out);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("maps,") != std::string::npos);
}

TEST_CASE("lauter report: the report directory has the page, the style and the maps",
          "[report][e2e]") {
    const fs::path& results = city_centre_results();
    TempDir out("report-out");
    const CommandResult r = run_command(lauter_command() + " report " +
                                        shell_quote(results.string()) + " -o " +
                                        shell_quote((out / "report").string()) + " --jobs 2");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find((out / "report" / "index.html").string()) != std::string::npos);
    CHECK(fs::is_regular_file(out / "report" / "report.css"));
    const std::string page = read_text_file(out / "report" / "index.html");
    for (const char* text : {"cc50", "city centre, 50 m, report test", "Layer summary",
                             "maps/cc50__runoff__max_depth_m.png",
                             "maps/cc50__thermal__utci_c.png",
                             "maps/cc50__landcover__land_cover_class.png", "input checksums",
                             "no baseline comparison"}) {
        INFO(text);
        CHECK(page.find(text) != std::string::npos);
    }
    CHECK(fs::file_size(out / "report" / "maps" / "cc50__thermal__utci_c.png") > 10000);
}

TEST_CASE("lauter report: bad input and a missing Python stack", "[report][e2e]") {
    TempDir dir("report-bad");
    SECTION("missing results file: exit 2, nothing written") {
        const CommandResult r = run_command(lauter_command() + " report " +
                                            shell_quote((dir / "nope.h5").string()) + " -o " +
                                            shell_quote((dir / "report").string()));
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("nope.h5: no such results file") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "report"));
    }
    SECTION("not an HDF5 file: exit 2") {
        const fs::path fake = dir.write("fake.h5", "not hdf5");
        const CommandResult r = run_command(lauter_command() + " report " +
                                            shell_quote(fake.string()) + " -o " +
                                            shell_quote((dir / "report").string()));
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("not a readable HDF5 results file") != std::string::npos);
    }
    const fs::path& results = city_centre_results();
    const std::string report = " report " + shell_quote(results.string()) + " -o " +
                               shell_quote((dir / "report").string());
    SECTION("LAUTER_VIZ_DIR without report.py: exit 1") {
        const CommandResult r = run_command("LAUTER_VIZ_DIR=" + shell_quote(dir.path().string()) +
                                            " " + lauter_command() + report);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("LAUTER_VIZ_DIR is set to") != std::string::npos);
    }
    SECTION("no Python interpreter: exit 1") {
        const CommandResult r = run_command("LAUTER_PYTHON=/nonexistent/python3 " +
                                            lauter_command() + report);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("python3-h5py") != std::string::npos);
    }
    SECTION("h5py missing: exit 1 with the Debian package to install") {
        // A module named h5py that fails to import, first on the module path.
        dir.write("fake_modules/h5py.py",
                  "raise ModuleNotFoundError(\"No module named 'h5py'\", name='h5py')\n");
        const CommandResult r = run_command(
            "PYTHONPATH=" + shell_quote((dir / "fake_modules").string()) + " " + lauter_command() +
            report);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("Python module 'h5py' is missing") != std::string::npos);
        CHECK(r.err.find("python3-h5py") != std::string::npos);
    }
}
