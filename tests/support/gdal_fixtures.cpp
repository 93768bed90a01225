#include "gdal_fixtures.hpp"
#include "test_support.hpp"

#include <iomanip>

#include <catch2/catch.hpp>

#include <cpl_conv.h>

#include <cstddef>
#include <type_traits>

namespace lauter::test {

std::string wkt_of_epsg(int epsg) {
    OGRSpatialReference srs;
    REQUIRE(srs.importFromEPSG(epsg) == OGRERR_NONE);
    char* wkt = nullptr;
    const char* const options[] = {"FORMAT=WKT2_2018", nullptr};
    REQUIRE(srs.exportToWkt(&wkt, options) == OGRERR_NONE);
    std::string text = wkt;
    CPLFree(wkt);
    return text;
}

bool is_epsg(const OGRSpatialReference* srs, int epsg) {
    OGRSpatialReference expected;
    REQUIRE(expected.importFromEPSG(epsg) == OGRERR_NONE);
    return srs != nullptr && srs->IsSame(&expected);
}

std::unique_ptr<OGRCoordinateTransformation> epsg_transform(int from_epsg, int to_epsg) {
    OGRSpatialReference from;
    REQUIRE(from.importFromEPSG(from_epsg) == OGRERR_NONE);
    from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference to;
    REQUIRE(to.importFromEPSG(to_epsg) == OGRERR_NONE);
    to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> transform(
        OGRCreateCoordinateTransformation(&from, &to));
    REQUIRE(transform != nullptr);
    return transform;
}

void GdalDatasetCloser::operator()(GDALDataset* dataset) const noexcept {
    GDALClose(GDALDataset::ToHandle(dataset));
}

GdalDatasetPtr open_raster(const std::filesystem::path& path) {
    GDALAllRegister();
    return GdalDatasetPtr(
        GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
}

namespace {

template <typename T> constexpr GDALDataType gdal_type_of() {
    if constexpr (std::is_same_v<T, float>) {
        return GDT_Float32;
    } else {
        static_assert(std::is_same_v<T, std::uint8_t>, "read_band: float or std::uint8_t");
        return GDT_Byte;
    }
}

} // namespace

template <typename T> std::vector<T> read_band(GDALDataset& dataset, int band) {
    GDALRasterBand* b = dataset.GetRasterBand(band);
    REQUIRE(b != nullptr);
    const int cols = dataset.GetRasterXSize();
    const int rows = dataset.GetRasterYSize();
    std::vector<T> values(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
    REQUIRE(b->RasterIO(GF_Read, 0, 0, cols, rows, values.data(), cols, rows, gdal_type_of<T>(),
                        0, 0, nullptr) == CE_None);
    return values;
}

template std::vector<float> read_band<float>(GDALDataset&, int);
template std::vector<std::uint8_t> read_band<std::uint8_t>(GDALDataset&, int);

TestRaster utm_test_raster(int rows, int cols, double cell_m, double x0, double y0,
                           const std::function<double(double, double)>& value) {
    TestRaster t;
    t.rows = rows;
    t.cols = cols;
    t.geotransform = {x0, cell_m, 0.0, y0, 0.0, -cell_m};
    t.crs = "EPSG:25832";
    t.values.reserve(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            t.values.push_back(static_cast<float>(value((c + 0.5) * cell_m, (r + 0.5) * cell_m)));
        }
    }
    return t;
}

void write_test_raster(const std::filesystem::path& path, const std::string& driver,
                       const TestRaster& raster) {
    REQUIRE(raster.values.size() ==
            static_cast<std::size_t>(raster.cols) * static_cast<std::size_t>(raster.rows));
    GDALAllRegister();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    REQUIRE(mem != nullptr);
    const GdalDatasetPtr ds(mem->Create("", raster.cols, raster.rows, 1, GDT_Float32, nullptr));
    REQUIRE(ds != nullptr);
    std::array<double, 6> geotransform = raster.geotransform;
    ds->SetGeoTransform(geotransform.data());
    if (!raster.crs.empty()) {
        OGRSpatialReference srs;
        REQUIRE(srs.SetFromUserInput(raster.crs.c_str()) == OGRERR_NONE);
        ds->SetSpatialRef(&srs);
    }
    GDALRasterBand* b = ds->GetRasterBand(1);
    if (raster.no_data) {
        b->SetNoDataValue(*raster.no_data);
    }
    std::vector<float> values = raster.values; // RasterIO takes a non-const buffer
    REQUIRE(b->RasterIO(GF_Write, 0, 0, raster.cols, raster.rows, values.data(), raster.cols,
                        raster.rows, GDT_Float32, 0, 0, nullptr) == CE_None);
    GDALDriver* out = GetGDALDriverManager()->GetDriverByName(driver.c_str());
    REQUIRE(out != nullptr);
    const GdalDatasetPtr copy(
        out->CreateCopy(path.string().c_str(), ds.get(), FALSE, nullptr, nullptr, nullptr));
    REQUIRE(copy != nullptr);
}

OsmXmlWriter::OsmXmlWriter() : ct_(epsg_transform(25832, 4326)) {}

long OsmXmlWriter::node(double x, double y, const std::string& tags) {
    double lon = x;
    double lat = y;
    ct_->Transform(1, &lon, &lat);
    const long id = next_id_++;
    nodes_ << "  <node id=\"" << id << "\" version=\"1\" lat=\"" << std::setprecision(12) << lat
           << "\" lon=\"" << lon << "\">" << tags << "</node>\n";
    return id;
}

long OsmXmlWriter::way(const std::vector<long>& refs, const std::string& tags, long way_id) {
    const long id = way_id != 0 ? way_id : next_id_++;
    ways_ << "  <way id=\"" << id << "\" version=\"1\">";
    for (const long r : refs) {
        ways_ << "<nd ref=\"" << r << "\"/>";
    }
    ways_ << tags << "</way>\n";
    return id;
}

long OsmXmlWriter::rectangle(double x0, double y0, double x1, double y1, const std::string& tags,
                             long way_id) {
    const long a = node(x0, y0);
    const long b = node(x1, y0);
    const long c = node(x1, y1);
    const long d = node(x0, y1);
    return way({a, b, c, d, a}, tags, way_id);
}

std::string OsmXmlWriter::text() const {
    return "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\">\n" + nodes_.str() +
           ways_.str() + "</osm>\n";
}

std::string osm_tag(const std::string& key, const std::string& value) {
    return "<tag k=\"" + key + "\" v=\"" + value + "\"/>";
}

void write_cold_air_slope_inputs(const std::filesystem::path& dir,
                                 const std::string& building_value) {
    constexpr double x0 = 410000.0;
    constexpr double y0 = 5475400.0;
    // x / 10 m - 0.5 is the column index.
    write_test_raster(dir / "dem.tif", "GTiff",
                      utm_test_raster(40, 40, 10.0, x0, y0, [](double x, double) {
                          return 300.0 - 0.5 * (x / 10.0 - 0.5);
                      }));
    OsmXmlWriter w;
    const std::string building = osm_tag("building", building_value) + osm_tag("height", "20");
    const std::string parking = osm_tag("amenity", "parking");
    w.rectangle(x0 + 280.0, y0 - 400.0, x0 + 400.0, y0, parking);
    for (int k = 0; k < 4; ++k) {
        const double y = y0 - 20.0 - 100.0 * k;
        w.rectangle(x0 + 300.0, y - 60.0, x0 + 380.0, y, building);
    }
    write_text_file(dir / "area.osm", w.text());
}

std::string cold_air_slope_scenario_head() {
    return "name: night\n"
           "study_area:\n"
           "  crs: EPSG:25832\n"
           "  extent: [410000, 5475000, 410400, 5475400]\n"
           "  resolution_m: 10\n"
           "inputs:\n"
           "  osm: area.osm\n"
           "  dem: dem.tif\n"
           "models:\n"
           "  terrain: {enabled: false}\n";
}

} // namespace lauter::test
