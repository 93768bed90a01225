#include <lauter/sim/raster_input.hpp>

#include "gdal_support.hpp"

#include <lauter/sim/crs.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>

#include <gdal_alg.h>
#include <gdalwarper.h>

#include <array>
#include <cmath>
#include <limits>

namespace lauter::sim {

using kernels::CellMask;
using kernels::CellStatus;
using kernels::GridSpec;
using kernels::Raster;

namespace {

constexpr std::array<std::pair<Resampling, std::string_view>, 6> resampling_names = {{
    {Resampling::nearest, "nearest"},
    {Resampling::bilinear, "bilinear"},
    {Resampling::cubic, "cubic"},
    {Resampling::cubic_spline, "cubic_spline"},
    {Resampling::average, "average"},
    {Resampling::mode, "mode"},
}};

GDALResampleAlg gdal_algorithm(Resampling r) noexcept {
    switch (r) {
    case Resampling::nearest: return GRA_NearestNeighbour;
    case Resampling::bilinear: return GRA_Bilinear;
    case Resampling::cubic: return GRA_Cubic;
    case Resampling::cubic_spline: return GRA_CubicSpline;
    case Resampling::average: return GRA_Average;
    case Resampling::mode: return GRA_Mode;
    }
    return GRA_NearestNeighbour;
}

std::string quoted(const std::filesystem::path& p) {
    std::string q(1, '\'');
    q += p.string();
    q += '\'';
    return q;
}

detail::DatasetPtr open_raster(const std::filesystem::path& path) {
    detail::ensure_gdal_registered();
    detail::require_file(path, "raster file");
    detail::QuietGdalErrors quiet;
    const std::string name = detail::gdal_path(path);
    detail::DatasetPtr ds(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds || ds->GetRasterCount() == 0) {
        throw InputError("raster file " + quoted(path) +
                         " is not a raster GDAL can read" + detail::last_gdal_error() +
                         "; give a GeoTIFF, ASCII grid, .hgt or another GDAL raster format");
    }
    return ds;
}

GDALRasterBand* band_of(GDALDataset& ds, int band, const std::filesystem::path& path) {
    const int count = ds.GetRasterCount();
    if (band < 1 || band > count) {
        throw InputError("raster file " + quoted(path) + " has " + std::to_string(count) +
                         " band(s); band " + std::to_string(band) +
                         " does not exist; choose a band from 1 to " + std::to_string(count));
    }
    return ds.GetRasterBand(band);
}

/// The CRS of the file as WKT2: the assumed one if given, else the file's; InputError if none.
std::string resolve_crs(GDALDataset& ds, const std::filesystem::path& path,
                        const std::optional<std::string>& assumed_crs, std::string_view crs_key) {
    const OGRSpatialReference* file_srs = ds.GetSpatialRef();
    std::string file_wkt = file_srs != nullptr ? detail::wkt2_of(*file_srs) : std::string();
    if (assumed_crs) {
        std::string assumed = normalize_crs(*assumed_crs, std::string(crs_key));
        if (!file_wkt.empty() && !same_crs(file_wkt, assumed)) {
            log_warning("raster file " + quoted(path) + " declares a different coordinate "
                        "reference system than " + std::string(crs_key) + "; using " +
                        std::string(crs_key) + " as stated");
        }
        return assumed;
    }
    if (file_wkt.empty()) {
        throw InputError("raster file " + quoted(path) +
                         " has no coordinate reference system; state it with " +
                         std::string(crs_key) + " (e.g. EPSG:25832)");
    }
    return file_wkt;
}

struct GeoTransform {
    std::array<double, 6> gt{};
    [[nodiscard]] bool north_up() const noexcept {
        return gt[2] == 0.0 && gt[4] == 0.0 && gt[1] > 0.0 && gt[5] < 0.0;
    }
};

GeoTransform geotransform_of(GDALDataset& ds, const std::filesystem::path& path) {
    GeoTransform t;
    if (ds.GetGeoTransform(t.gt.data()) != CE_None) {
        throw InputError("raster file " + quoted(path) +
                         " has no georeferencing (no geotransform); add it, e.g. with a world "
                         "file or gdal_translate -a_ullr");
    }
    return t;
}

/// The north-up grid that bounds a rotated or south-up raster in its own CRS.
GridSpec suggested_north_up_grid(GDALDataset& ds, const std::string& crs_wkt,
                                 const std::filesystem::path& path) {
    detail::QuietGdalErrors quiet;
    const std::string srs_option = "SRC_SRS=" + crs_wkt;
    const std::string dst_option = "DST_SRS=" + crs_wkt;
    const char* options[] = {srs_option.c_str(), dst_option.c_str(), nullptr};
    void* transformer = GDALCreateGenImgProjTransformer2(&ds, nullptr, const_cast<char**>(options));
    if (transformer == nullptr) {
        throw InputError("raster file " + quoted(path) + " has a georeferencing GDAL cannot "
                         "transform" + detail::last_gdal_error());
    }
    std::array<double, 6> gt{};
    int cols = 0;
    int rows = 0;
    const CPLErr err = GDALSuggestedWarpOutput(&ds, GDALGenImgProjTransform, transformer,
                                               gt.data(), &cols, &rows);
    GDALDestroyGenImgProjTransformer(transformer);
    if (err != CE_None || cols <= 0 || rows <= 0) {
        throw InputError("raster file " + quoted(path) + " cannot be resampled to a north-up "
                         "grid" + detail::last_gdal_error());
    }
    GridSpec g;
    g.cols = static_cast<std::size_t>(cols);
    g.rows = static_cast<std::size_t>(rows);
    g.cell_size_x_m = gt[1];
    g.cell_size_y_m = -gt[5];
    g.x0 = gt[0];
    g.y0 = gt[3];
    g.crs_wkt = crs_wkt;
    return g;
}

GridSpec grid_of(GDALDataset& ds, const std::filesystem::path& path, const std::string& crs_wkt) {
    const GeoTransform t = geotransform_of(ds, path);
    if (!t.north_up()) {
        return suggested_north_up_grid(ds, crs_wkt, path);
    }
    GridSpec g;
    g.cols = static_cast<std::size_t>(ds.GetRasterXSize());
    g.rows = static_cast<std::size_t>(ds.GetRasterYSize());
    g.cell_size_x_m = t.gt[1];
    g.cell_size_y_m = -t.gt[5];
    g.x0 = t.gt[0];
    g.y0 = t.gt[3];
    g.crs_wkt = crs_wkt;
    return g;
}

/// Turns values equal to `no_data` (if any) and NaN into NaN + CellStatus::no_data.
RasterLayer to_layer(Raster<float> values, std::optional<double> no_data) {
    CellMask mask(values.spec(), CellStatus::active);
    const bool has_sentinel = no_data.has_value() && !std::isnan(*no_data);
    const float sentinel = has_sentinel ? static_cast<float>(*no_data) : 0.0F;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const float v = values[i];
        if (std::isnan(v) || (has_sentinel && v == sentinel)) {
            values[i] = kernels::no_data_value<float>;
            mask.set(i, CellStatus::no_data);
        }
    }
    return RasterLayer{std::move(values), std::move(mask)};
}

std::optional<double> band_no_data(GDALRasterBand& band) {
    int has = 0;
    const double v = band.GetNoDataValue(&has);
    if (has == 0) {
        return std::nullopt;
    }
    return v;
}

/// The bounds of the source raster, transformed into the target CRS; nullopt if GDAL cannot
/// transform them (then the emptiness of the warped result decides).
std::optional<std::array<double, 4>> source_bounds_in(GDALDataset& ds, const GeoTransform& t,
                                                      const std::string& source_wkt,
                                                      const std::string& target_wkt) {
    const double w = ds.GetRasterXSize();
    const double h = ds.GetRasterYSize();
    double xmin = std::numeric_limits<double>::max();
    double ymin = xmin;
    double xmax = -xmin;
    double ymax = -xmin;
    for (const auto& [px, py] : std::array<std::pair<double, double>, 4>{
             {{0.0, 0.0}, {w, 0.0}, {0.0, h}, {w, h}}}) {
        const double x = t.gt[0] + px * t.gt[1] + py * t.gt[2];
        const double y = t.gt[3] + px * t.gt[4] + py * t.gt[5];
        xmin = std::min(xmin, x);
        xmax = std::max(xmax, x);
        ymin = std::min(ymin, y);
        ymax = std::max(ymax, y);
    }
    OGRSpatialReference src = detail::srs_from_wkt(source_wkt, "source raster");
    OGRSpatialReference dst = detail::srs_from_wkt(target_wkt, "study grid");
    detail::QuietGdalErrors quiet;
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &dst));
    if (!ct) {
        return std::nullopt;
    }
    std::array<double, 4> out{};
    if (ct->TransformBounds(xmin, ymin, xmax, ymax, &out[0], &out[1], &out[2], &out[3], 21) == 0) {
        return std::nullopt;
    }
    return out;
}

} // namespace

std::string_view resampling_name(Resampling r) noexcept {
    for (const auto& [value, name] : resampling_names) {
        if (value == r) {
            return name;
        }
    }
    return "nearest";
}

std::optional<Resampling> resampling_from_name(std::string_view name) noexcept {
    for (const auto& [value, n] : resampling_names) {
        if (n == name) {
            return value;
        }
    }
    return std::nullopt;
}

GridSpec raster_grid_of(const std::filesystem::path& path,
                        const std::optional<std::string>& assumed_crs, std::string_view crs_key) {
    detail::DatasetPtr ds = open_raster(path);
    const std::string crs = resolve_crs(*ds, path, assumed_crs, crs_key);
    return grid_of(*ds, path, crs);
}

RasterLayer read_raster(const std::filesystem::path& path, int band,
                        const std::optional<std::string>& assumed_crs, std::string_view crs_key) {
    detail::DatasetPtr ds = open_raster(path);
    GDALRasterBand* b = band_of(*ds, band, path);
    const std::string crs = resolve_crs(*ds, path, assumed_crs, crs_key);
    const GeoTransform t = geotransform_of(*ds, path);
    if (!t.north_up()) {
        const GridSpec target = grid_of(*ds, path, crs);
        ds.reset();
        return warp_raster_to_grid(path, target, Resampling::nearest, assumed_crs, band, crs_key);
    }
    Raster<float> values(grid_of(*ds, path, crs));
    detail::QuietGdalErrors quiet;
    const CPLErr err = b->RasterIO(GF_Read, 0, 0, static_cast<int>(values.spec().cols),
                                   static_cast<int>(values.spec().rows), values.data(),
                                   static_cast<int>(values.spec().cols),
                                   static_cast<int>(values.spec().rows), GDT_Float32, 0, 0, nullptr);
    if (err != CE_None) {
        throw InputError("raster file " + quoted(path) + " could not be read (band " +
                         std::to_string(band) + ")" + detail::last_gdal_error() +
                         "; the file may be truncated or corrupt");
    }
    return to_layer(std::move(values), band_no_data(*b));
}

RasterLayer warp_raster_to_grid(const std::filesystem::path& path, const GridSpec& target,
                                Resampling resampling, const std::optional<std::string>& assumed_crs,
                                int band, std::string_view crs_key) {
    if (target.crs_wkt.empty()) {
        throw ConfigError("study grid has no coordinate reference system; set grid.crs (e.g. "
                          "EPSG:25832) before warping " + quoted(path));
    }
    if (target.rows == 0 || target.cols == 0) {
        throw ConfigError("study grid is empty; cannot warp " + quoted(path) + " onto it");
    }
    detail::DatasetPtr src = open_raster(path);
    GDALRasterBand* src_band = band_of(*src, band, path);
    const std::string src_crs = resolve_crs(*src, path, assumed_crs, crs_key);
    const GeoTransform t = geotransform_of(*src, path);

    if (const auto b = source_bounds_in(*src, t, src_crs, target.crs_wkt)) {
        const auto& [xmin, ymin, xmax, ymax] = *b;
        if (xmax <= target.x0 || xmin >= target.x_max() || ymax <= target.y_min() ||
            ymin >= target.y0) {
            throw InputError("raster file " + quoted(path) + " does not overlap the study area; "
                             "check the file, its coordinate reference system and the grid extent");
        }
    }

    detail::QuietGdalErrors quiet;
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    detail::DatasetPtr dst(mem->Create("", static_cast<int>(target.cols),
                                       static_cast<int>(target.rows), 1, GDT_Float32, nullptr));
    if (!dst) {
        throw RuntimeFailure("could not allocate the warp target for " + quoted(path) +
                             detail::last_gdal_error());
    }
    std::array<double, 6> gt = {target.x0, target.cell_size_x_m, 0.0,
                                target.y0, 0.0,                  -target.cell_size_y_m};
    dst->SetGeoTransform(gt.data());
    OGRSpatialReference dst_srs = detail::srs_from_wkt(target.crs_wkt, "study grid");
    dst->SetSpatialRef(&dst_srs);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    dst->GetRasterBand(1)->SetNoDataValue(nan);
    dst->GetRasterBand(1)->Fill(nan);

    const std::string src_option = "SRC_SRS=" + src_crs;
    const std::string dst_option = "DST_SRS=" + target.crs_wkt;
    const char* transformer_options[] = {src_option.c_str(), dst_option.c_str(), nullptr};
    void* transformer = GDALCreateGenImgProjTransformer2(
        src.get(), dst.get(), const_cast<char**>(transformer_options));
    if (transformer == nullptr) {
        throw InputError("raster file " + quoted(path) + " cannot be transformed to the study "
                         "grid's coordinate reference system" + detail::last_gdal_error());
    }

    GDALWarpOptions* wo = GDALCreateWarpOptions();
    wo->hSrcDS = src.get();
    wo->hDstDS = dst.get();
    wo->eResampleAlg = gdal_algorithm(resampling);
    wo->eWorkingDataType = GDT_Float32;
    wo->nBandCount = 1;
    wo->panSrcBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    wo->panSrcBands[0] = band;
    wo->panDstBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    wo->panDstBands[0] = 1;
    if (const auto nd = band_no_data(*src_band)) {
        wo->padfSrcNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double)));
        wo->padfSrcNoDataReal[0] = *nd;
    }
    wo->padfDstNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double)));
    wo->padfDstNoDataReal[0] = nan;
    wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "INIT_DEST", "NO_DATA");
    wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "NUM_THREADS", "ALL_CPUS");
    wo->pfnTransformer = GDALGenImgProjTransform;
    wo->pTransformerArg = transformer;

    CPLErr err = CE_Failure;
    {
        GDALWarpOperation op;
        err = op.Initialize(wo);
        if (err == CE_None) {
            err = op.ChunkAndWarpImage(0, 0, static_cast<int>(target.cols),
                                       static_cast<int>(target.rows));
        }
    }
    GDALDestroyGenImgProjTransformer(transformer);
    wo->pTransformerArg = nullptr;
    GDALDestroyWarpOptions(wo);
    if (err != CE_None) {
        throw InputError("raster file " + quoted(path) + " could not be warped onto the study "
                         "grid" + detail::last_gdal_error());
    }

    Raster<float> values(target);
    err = dst->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, static_cast<int>(target.cols),
                                          static_cast<int>(target.rows), values.data(),
                                          static_cast<int>(target.cols),
                                          static_cast<int>(target.rows), GDT_Float32, 0, 0,
                                          nullptr);
    if (err != CE_None) {
        throw RuntimeFailure("reading the warped values of " + quoted(path) + " failed" +
                             detail::last_gdal_error());
    }
    RasterLayer layer = to_layer(std::move(values), std::nullopt);
    if (layer.mask.count_with_data() == 0) {
        throw InputError("raster file " + quoted(path) + " has no valid value inside the study "
                         "area; check that it covers the grid extent and its no-data value");
    }
    return layer;
}

} // namespace lauter::sim
