// The project's structural rules, checked on every test run.
#include <catch2/catch.hpp>

#include "support/test_support.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

using lauter::test::source_dir;

TEST_CASE("kernels/ includes no I/O library (GDAL, HDF5, YAML, CLI)", "[rules]") {
    const std::regex forbidden(
        R"(#\s*include\s*[<"](gdal|ogr|cpl_|hdf5|H5[A-Za-z]*\.h|yaml-cpp|CLI/|fstream|cstdio))");
    std::size_t files_checked = 0;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(source_dir() / "kernels")) {
        if (!entry.is_regular_file()) {
            continue;
        }
        const auto ext = entry.path().extension();
        if (ext != ".hpp" && ext != ".cpp" && ext != ".h") {
            continue;
        }
        ++files_checked;
        std::ifstream in(entry.path());
        std::string line;
        int line_number = 0;
        while (std::getline(in, line)) {
            ++line_number;
            INFO(entry.path().string() << ":" << line_number << ": " << line);
            CHECK_FALSE(std::regex_search(line, forbidden));
        }
    }
    CHECK(files_checked > 0);
}
