// Batch tasks: fingerprints, part files, resume, and the serial driver.
#include <lauter/sim/batch.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/modifications.hpp>
#include <lauter/sim/study_area.hpp>
#include <lauter/sim/task_farm.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/sha256.hpp>
#include <lauter/version.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <span>
#include <sstream>

namespace lauter::sim {

namespace {

namespace fs = std::filesystem;
using kernels::CellMask;
using kernels::GridSpec;
using kernels::Raster;

template <typename T> void hash_raster(Sha256& h, const Raster<T>& raster) {
    h.update(std::as_bytes(std::span<const T>(raster.data(), raster.spec().cell_count())));
}

void hash_number(Sha256& h, double value) {
    h.update(std::as_bytes(std::span<const double>(&value, 1)));
}

void hash_grid(Sha256& h, const GridSpec& grid) {
    hash_number(h, static_cast<double>(grid.rows));
    hash_number(h, static_cast<double>(grid.cols));
    hash_number(h, grid.x0);
    hash_number(h, grid.y0);
    hash_number(h, grid.cell_size_x_m);
    hash_number(h, grid.cell_size_y_m);
    h.update(grid.crs_wkt);
}

void hash_mask(Sha256& h, const CellMask& mask) {
    std::vector<std::uint8_t> status(mask.spec().cell_count());
    for (std::size_t i = 0; i < status.size(); ++i) {
        status[i] = static_cast<std::uint8_t>(mask[i]);
    }
    h.update(std::as_bytes(std::span<const std::uint8_t>(status)));
}

void hash_text(Sha256& h, const std::string& label, const std::string& text) {
    h.update(label);
    hash_number(h, static_cast<double>(text.size()));
    h.update(text);
}

void hash_node(Sha256& h, const std::string& label, const YAML::Node& node) {
    YAML::Emitter e;
    e << node;
    hash_text(h, label, e.c_str());
}

/// Every file a settings subtree names (absolute paths the validator resolved) by content, so
/// that an edited storm series or district file changes the fingerprint.
void hash_named_files(Sha256& h, const YAML::Node& node) {
    if (node.IsScalar()) {
        const std::string& text = node.Scalar();
        std::error_code ec;
        if (!text.empty() && text.front() == '/' && fs::is_regular_file(text, ec)) {
            hash_text(h, "file", text + " " + sha256_file_hex(text));
        }
    } else if (node.IsMap()) {
        for (const auto& item : node) {
            hash_named_files(h, item.second);
        }
    } else if (node.IsSequence()) {
        for (const auto& item : node) {
            hash_named_files(h, item);
        }
    }
}

void hash_buildings(Sha256& h, const std::vector<OsmBuilding>& buildings) {
    hash_number(h, static_cast<double>(buildings.size()));
    for (const OsmBuilding& b : buildings) {
        hash_number(h, static_cast<double>(b.osm_id));
        hash_text(h, "n", b.name);
        hash_text(h, "a", b.address);
        hash_text(h, "t", b.building_type);
        hash_text(h, "s", b.site);
        hash_number(h, b.footprint_area_m2);
        hash_number(h, static_cast<double>(b.height_m));
        hash_number(h, static_cast<double>(b.cells));
        hash_number(h, static_cast<double>(b.roof_runoff_coefficient));
    }
}

void hash_land_cover(Sha256& h, const OsmLandCover& lc, bool everything) {
    hash_raster(h, lc.dominant);
    for (const auto& f : lc.fractions) {
        hash_raster(h, f);
    }
    hash_raster(h, lc.impervious_fraction);
    hash_raster(h, lc.building_height_m);
    hash_raster(h, lc.tree_canopy_fraction);
    hash_raster(h, lc.building_id);
    hash_buildings(h, lc.buildings);
    if (everything) {
        hash_mask(h, lc.mask);
        hash_raster(h, lc.unmapped_fraction);
        hash_number(h, lc.summary.building_footprint_area_m2);
        hash_number(h, static_cast<double>(lc.summary.counts.buildings));
    }
}

std::string checksum_of(const StudyArea& area, const std::optional<fs::path>& path) {
    if (!path) {
        return "-";
    }
    for (const InputRecord& input : area.inputs) {
        if (input.path == *path) {
            return input.sha256_hex;
        }
    }
    return sha256_file_hex(*path);
}

/// The model whose settings a modification edits (nullopt: it edits the study area's inputs).
std::optional<ModelKind> settings_model_of(ModificationType type) {
    switch (type) {
    case ModificationType::bike_lanes:
    case ModificationType::traffic_calming:
    case ModificationType::bus_headway:
    case ModificationType::ebike_ownership:
        return ModelKind::mobility;
    case ModificationType::heavy_rain:
        return ModelKind::runoff;
    case ModificationType::hot_day:
        return ModelKind::thermal;
    case ModificationType::unseal:
    case ModificationType::green_roofs:
    case ModificationType::plant_trees:
    case ModificationType::new_development:
    case ModificationType::keep_free:
        return std::nullopt;
    }
    return std::nullopt;
}

/// Fingerprint of one task: everything its result depends on (see batch.hpp).
std::string task_fingerprint(ModelKind model, const Scenario& s, const StudyArea& area,
                             const YAML::Node& resolved) {
    Sha256 h;
    const std::string name(model_name(model));
    hash_text(h, "lauter", std::string(version_string) + " " + git_hash);
    hash_text(h, "model", name);
    hash_node(h, "study_area", resolved["study_area"]);
    hash_node(h, "output", resolved["output"]);
    const YAML::Node settings = resolved["models"][name];
    hash_node(h, "settings", settings);
    hash_named_files(h, settings);
    hash_grid(h, area.grid);
    hash_mask(h, area.mask);
    // Modifications that edit land cover, buildings or terrain reach every model through the
    // in-memory inputs hashed below. Those that edit model settings (bike lanes, calming, bus
    // headway, weather) change the Scenario after its resolved YAML was written, so each of them
    // is part of the fingerprint of the one model whose settings it edits, and of no other: a
    // bike-lane member reuses the baseline's runoff and thermal results.
    const YAML::Node modifications = resolved["modifications"];
    for (std::size_t i = 0; i < s.modifications.size(); ++i) {
        if (settings_model_of(s.modifications[i].type) == model) {
            hash_node(h, "modification", modifications[i]);
            hash_named_files(h, modifications[i]);
        }
    }
    switch (model) {
    case ModelKind::terrain:
        hash_node(h, "inputs", resolved["inputs"]);
        hash_raster(h, *area.elevation_m);
        hash_text(h, "terrain", area.terrain_note);
        break;
    case ModelKind::landcover:
        hash_node(h, "landcover", resolved["landcover"]);
        hash_text(h, "osm", s.inputs.osm->filename().string() + " " +
                                checksum_of(area, s.inputs.osm));
        hash_land_cover(h, *area.land_cover, true);
        break;
    case ModelKind::runoff:
        hash_node(h, "landcover", resolved["landcover"]);
        hash_raster(h, *area.elevation_m);
        hash_text(h, "terrain", area.terrain_note);
        if (area.land_cover) {
            hash_land_cover(h, *area.land_cover, false);
        }
        break;
    case ModelKind::mobility:
        // The network comes from the files; residents from the land cover's buildings.
        hash_text(h, "osm", checksum_of(area, s.inputs.osm));
        hash_text(h, "dem", checksum_of(area, s.inputs.dem) + " " + s.inputs.dem_crs);
        hash_text(h, "crs", s.study_area.crs_wkt);
        if (area.land_cover) {
            hash_raster(h, area.land_cover->building_id);
            hash_buildings(h, area.land_cover->buildings);
        }
        break;
    case ModelKind::thermal:
    case ModelKind::coldair:
        hash_raster(h, *area.elevation_m);
        if (area.land_cover) {
            hash_land_cover(h, *area.land_cover, false);
        }
        break;
    }
    // Cold air with thermally loaded settlements runs the thermal model: its settings, files and
    // the modifications that edit them (hot_day) are part of the cold-air result.
    if (model == ModelKind::coldair &&
        effective_settlement_cells(s.models.coldair.settlement_cells, s.models.thermal.enabled) ==
            ColdAirSettlementCells::thermal_load) {
        hash_node(h, "thermal_settings", resolved["models"]["thermal"]);
        hash_named_files(h, resolved["models"]["thermal"]);
        for (std::size_t i = 0; i < s.modifications.size(); ++i) {
            if (settings_model_of(s.modifications[i].type) == ModelKind::thermal) {
                hash_node(h, "thermal_modification", modifications[i]);
                hash_named_files(h, modifications[i]);
            }
        }
    }
    // The thermal model coupled to cold air runs the cold-air model: its settings and files are
    // part of the thermal result.
    if (model == ModelKind::thermal && s.models.thermal.cold_air_coupling) {
        hash_node(h, "coldair_settings", resolved["models"]["coldair"]);
        hash_named_files(h, resolved["models"]["coldair"]);
    }
    return h.finish_hex();
}

/// Key of the prepared study area: exactly what prepare_study_area reads.
std::string area_key(const Scenario& s, const YAML::Node& resolved) {
    Sha256 h;
    hash_node(h, "study_area", resolved["study_area"]);
    hash_node(h, "inputs", resolved["inputs"]);
    hash_node(h, "landcover", resolved["landcover"]);
    const bool dem = s.models.terrain.enabled || s.models.runoff.enabled ||
                     s.models.thermal.enabled || s.models.coldair.enabled;
    hash_text(h, "flags", std::string(dem ? "dem" : "-") +
                              (s.models.landcover.enabled ? "lc" : "-"));
    return h.finish_hex();
}

bool part_is_complete(const fs::path& part, const std::string& fingerprint) {
    std::error_code ec;
    if (!fs::is_regular_file(part, ec)) {
        return false;
    }
    try {
        return read_attribute(part, "/", "fingerprint") == fingerprint;
    } catch (const Error&) {
        return false;
    }
}

std::string seconds_text(double seconds) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", seconds);
    return buffer;
}

} // namespace

std::string task_fingerprint(ModelKind model, const Scenario& s, const StudyArea& area) {
    return task_fingerprint(model, s, area, YAML::Load(s.resolved_yaml));
}

std::string_view task_state_name(TaskState state) noexcept {
    switch (state) {
    case TaskState::computed:
        return "computed";
    case TaskState::reused:
        return "reused";
    case TaskState::resumed:
        return "resumed";
    case TaskState::failed:
        return "failed";
    }
    return "unknown";
}

std::filesystem::path batch_parts_dir(const std::filesystem::path& results) {
    return results.parent_path() / (results.filename().string() + ".parts");
}

struct BatchSession::Impl {
    fs::path parts_dir;
    bool reuse = true;
    ModelCache cache;
    std::string area_key_hex;
    std::unique_ptr<StudyArea> area;
    /// Part file name -> the member that first used it in this session.
    std::map<std::string, std::string> produced;
    std::function<bool(const std::string&)> claim_part;
};

BatchSession::BatchSession(std::filesystem::path parts_dir, bool reuse,
                           std::function<bool(const std::string& part_file)> claim_part)
    : impl_(std::make_unique<Impl>()) {
    impl_->parts_dir = std::move(parts_dir);
    impl_->reuse = reuse;
    impl_->claim_part = std::move(claim_part);
    std::error_code ec;
    fs::create_directories(impl_->parts_dir, ec);
    if (ec || !fs::is_directory(impl_->parts_dir)) {
        throw InputError("batch parts directory '" + impl_->parts_dir.string() +
                         "' cannot be created (" + ec.message() +
                         "); check that the results directory is writable");
    }
}

void remove_unfinished_parts(const std::filesystem::path& parts_dir) {
    std::error_code ec;
    if (!fs::is_directory(parts_dir, ec)) {
        return;
    }
    for (const auto& entry : fs::directory_iterator(parts_dir)) {
        const std::string name = entry.path().filename().string();
        if (!name.empty() && name.front() == '.' && name.find(".tmp.") != std::string::npos) {
            fs::remove(entry.path(), ec);
        }
    }
}

BatchSession::~BatchSession() = default;

MemberReport BatchSession::run_member(const BatchMember& member) {
    Impl& im = *impl_;
    MemberReport report;
    report.name = member.name;
    const Scenario& s = member.scenario;
    std::string current_model = "study area";
    try {
        const YAML::Node resolved = YAML::Load(s.resolved_yaml);
        const StepTimer prepare_timer;
        // Members that share the study-area settings share one prepared area. Scenario
        // modifications (contract section 1) edit a member's copy of it.
        const std::string key = area_key(s, resolved);
        if (!im.area || key != im.area_key_hex) {
            im.area.reset();
            im.area = std::make_unique<StudyArea>(prepare_study_area(s));
            im.area_key_hex = key;
        } else {
            log_info("batch: " + member.name + ": study area reused from an earlier member");
        }
        // Measures edit a copy of the shared study area and of the member's scenario.
        std::optional<StudyArea> modified_area;
        Scenario modified = s;
        if (!s.modifications.empty()) {
            modified_area.emplace(clone_study_area(*im.area));
            apply_modifications(s.modifications, modified, *modified_area);
        }
        const StudyArea& area = modified_area ? *modified_area : *im.area;
        report.prepare_seconds = prepare_timer.seconds();

        RootAttributes manifest_root = results_root_attributes(s, "lauter batch member manifest");
        manifest_root.extra.emplace_back("member", member.name);
        std::string lines;
        for (const std::string& line : member.modification_lines) {
            lines += line + "\n";
        }
        manifest_root.extra.emplace_back("description", member.description);
        manifest_root.extra.emplace_back("modifications", lines);
        manifest_root.extra.emplace_back("resolved_scenario", s.resolved_yaml);
        manifest_root.extra.emplace_back("input_sha256", input_checksums_text(area));
        std::string models_text;
        for (const ModelKind model : models_to_run(modified, area)) {
            const std::string name(model_name(model));
            current_model = name;
            TaskReport task;
            task.member = member.name;
            task.model = name;
            const StepTimer timer;
            task.fingerprint = task_fingerprint(model, modified, area, resolved);
            const std::string part = (im.reuse ? name : member.name + "-" + name) + "-" +
                                     task.fingerprint + ".h5";
            const fs::path part_path = im.parts_dir / part;
            if (part_is_complete(part_path, task.fingerprint)) {
                if (const auto it = im.produced.find(part); it != im.produced.end()) {
                    task.state = TaskState::reused;
                    task.reused_from = it->second;
                } else {
                    task.state = TaskState::resumed;
                    im.produced[part] = member.name;
                }
            } else if (im.claim_part && !im.claim_part(part)) {
                // Another rank computes this result; the assembly takes its part file.
                task.state = TaskState::reused;
                task.reused_from = "another rank";
            } else {
                RootAttributes root = results_root_attributes(s, "lauter batch part");
                root.extra.emplace_back("fingerprint", task.fingerprint);
                root.extra.emplace_back("model", name);
                ResultsWriter out(part_path, root, results_write_options(s));
                run_model(model, modified, area, out, "/" + name, &im.cache);
                out.commit();
                task.state = TaskState::computed;
                im.produced[part] = member.name;
            }
            task.seconds = timer.seconds();
            log_info("batch: " + member.name + " / " + name + ": " +
                     std::string(task_state_name(task.state)) +
                     (task.reused_from.empty() ? "" : " from " + task.reused_from) + ", " +
                     seconds_text(task.seconds) + " s");
            manifest_root.extra.emplace_back("part_" + name, part);
            models_text += (models_text.empty() ? "" : ",") + name;
            report.tasks.push_back(std::move(task));
        }
        manifest_root.extra.emplace_back("models", models_text);
        ResultsWriter manifest(im.parts_dir / ("member-" + member.name + ".h5"), manifest_root);
        manifest.commit();
        report.ok = true;
    } catch (const std::exception& e) {
        report.ok = false;
        report.error = current_model + ": " + e.what();
        TaskReport failed;
        failed.member = member.name;
        failed.model = current_model;
        failed.state = TaskState::failed;
        report.tasks.push_back(std::move(failed));
        log_warning("batch: member '" + member.name + "' failed (" + report.error +
                    "); the other members continue");
    }
    return report;
}

namespace {

/// A member report as text, for the trip from an MPI rank to rank 0: one line of prepare
/// seconds, then one line per task (model, state, reused_from, seconds, fingerprint), tab-separated.
std::string serialise_member_report(const MemberReport& report) {
    std::ostringstream text;
    text.precision(17);
    text << report.prepare_seconds << "\n";
    for (const TaskReport& t : report.tasks) {
        text << t.model << '\t' << task_state_name(t.state) << '\t' << t.reused_from << '\t'
             << t.seconds << '\t' << t.fingerprint << "\n";
    }
    return text.str();
}

MemberReport deserialise_member_report(const std::string& text) {
    MemberReport report;
    std::istringstream lines(text);
    std::string line;
    if (std::getline(lines, line)) {
        report.prepare_seconds = std::stod(line);
    }
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        TaskReport t;
        std::string state;
        std::string seconds;
        std::getline(fields, t.model, '\t');
        std::getline(fields, state, '\t');
        std::getline(fields, t.reused_from, '\t');
        std::getline(fields, seconds, '\t');
        std::getline(fields, t.fingerprint, '\t');
        t.seconds = seconds.empty() ? 0.0 : std::stod(seconds);
        for (const TaskState candidate :
             {TaskState::computed, TaskState::reused, TaskState::resumed, TaskState::failed}) {
            if (task_state_name(candidate) == state) {
                t.state = candidate;
            }
        }
        report.tasks.push_back(std::move(t));
    }
    return report;
}

/// With MPI a member may refer to a part another rank was to compute; if that rank's member
/// failed, the part is missing and this member cannot be assembled either: it fails too, with
/// the reason, and loses its manifest (the rerun computes it).
void mark_members_missing_parts(std::vector<MemberReport>& reports, const fs::path& parts_dir) {
    for (MemberReport& r : reports) {
        if (!r.ok) {
            continue;
        }
        const fs::path manifest = parts_dir / ("member-" + r.name + ".h5");
        std::error_code ec;
        if (!fs::is_regular_file(manifest, ec)) {
            continue;
        }
        for (TaskReport& t : r.tasks) {
            const std::optional<std::string> part = read_attribute(manifest, "/", "part_" + t.model);
            if (part && !fs::exists(parts_dir / *part, ec)) {
                r.ok = false;
                r.error = t.model + ": its result was to come from another member that failed";
                t.state = TaskState::failed;
                fs::remove(manifest, ec);
                break;
            }
        }
    }
}

} // namespace

std::vector<MemberReport> run_batch(const Batch& batch, const BatchOptions& options) {
    const StepTimer timer;
    const fs::path parts_dir = batch_parts_dir(options.results);
    if (MpiSession::world_rank() == 0) {
        remove_unfinished_parts(parts_dir);
    }
    MpiSession::barrier();
    // Members are handed out one at a time (dynamic load balancing over MPI ranks; in order in
    // one process). A result two members share is computed by whoever claims it first.
    const std::unique_ptr<TaskFarm> farm = make_task_farm(batch.members.size());
    if (farm->size() > 1) {
        log_info("batch: rank " + std::to_string(farm->rank()) + " of " +
                 std::to_string(farm->size()) + " MPI ranks");
    }
    {
        BatchSession session(parts_dir, options.reuse,
                             [&farm](const std::string& part) { return farm->claim(part); });
        while (const std::optional<std::size_t> index = farm->next_task()) {
            const BatchMember& member = batch.members[*index];
            // Members that lost their manifest are rewritten from the parts; nothing else.
            std::error_code ec;
            fs::remove(parts_dir / ("member-" + member.name + ".h5"), ec);
            log_info("batch: member " + member.name + " (" + std::to_string(*index + 1) + " of " +
                     std::to_string(batch.members.size()) + ")");
            const MemberReport report = session.run_member(member);
            FarmReport outcome;
            outcome.task = *index;
            outcome.ok = report.ok;
            outcome.message = report.error;
            outcome.payload = serialise_member_report(report);
            farm->report(outcome);
        }
    }
    const std::vector<FarmReport> outcomes = farm->finish();
    if (farm->rank() != 0) {
        return {};
    }
    std::vector<MemberReport> reports;
    for (const FarmReport& outcome : outcomes) {
        MemberReport report = deserialise_member_report(outcome.payload);
        report.name = batch.members[outcome.task].name;
        report.ok = outcome.ok;
        report.error = outcome.message;
        reports.push_back(std::move(report));
    }
    mark_members_missing_parts(reports, parts_dir);
    const std::vector<std::string> written = assemble_batch(batch, parts_dir, options.results);

    // Summary: seconds per member and model.
    std::vector<std::string> models;
    for (const ModelKind m : all_model_kinds) {
        models.emplace_back(model_name(m));
    }
    if (!is_quiet()) {
        std::string header = "batch summary (s; c computed, r reused, R resumed, F failed)\n";
        char cell[64];
        std::snprintf(cell, sizeof cell, "%-24s %8s", "member", "prepare");
        header += cell;
        for (const auto& m : models) {
            std::snprintf(cell, sizeof cell, " %12s", m.c_str());
            header += cell;
        }
        header += "\n";
        for (const MemberReport& r : reports) {
            const bool prepare_failed = !r.ok && !r.tasks.empty() &&
                                        r.tasks.back().model == "study area";
            std::snprintf(cell, sizeof cell, "%-24s %8s", r.name.c_str(),
                          prepare_failed ? "F" : seconds_text(r.prepare_seconds).c_str());
            header += cell;
            for (const auto& m : models) {
                std::string text = "-";
                for (const TaskReport& t : r.tasks) {
                    if (t.model == m) {
                        const char flag = t.state == TaskState::computed  ? 'c'
                                          : t.state == TaskState::reused  ? 'r'
                                          : t.state == TaskState::resumed ? 'R'
                                                                          : 'F';
                        std::snprintf(cell, sizeof cell, "%.1f %c", t.seconds, flag);
                        text = cell;
                    }
                }
                std::snprintf(cell, sizeof cell, " %12s", text.c_str());
                header += cell;
            }
            header += "\n";
        }
        std::fputs(header.c_str(), stderr);
    }
    // A failed member keeps the parts, so that the rerun after a fix computes only it.
    const bool all_ok =
        std::all_of(reports.begin(), reports.end(), [](const MemberReport& r) { return r.ok; });
    if (!options.keep_parts && all_ok) {
        std::error_code ec;
        fs::remove_all(parts_dir, ec);
    }
    log_info("batch '" + batch.name + "': " + std::to_string(written.size()) + " of " +
             std::to_string(batch.members.size()) + " members written to " +
             options.results.string() + " in " + seconds_text(timer.seconds()) + " s");
    return reports;
}

} // namespace lauter::sim
