#pragma once
/// @file batch.hpp
/// `lauter batch`: a baseline and further scenarios (members) from one batch file, run as tasks
/// (member x model), with whole-result reuse, resume from part files, one assembled results file,
/// difference layers against the baseline and an indicator table per district (docs/batches.md).
///
/// Flow (the pieces are separate so that MPI ranks can run tasks and rank 0 assemble, issue 8):
///   load_batch -> for every member: run_batch_member (prepare the study area, fingerprint each
///   model task, compute only tasks without a finished part file, write the member manifest)
///   -> assemble_batch (copy parts, hard-link reused results, differences, districts,
///   indicators, CSV).
///
/// A task's fingerprint is SHA-256 over the lauter version, the model's resolved settings, the
/// study-area and output settings, the checksums of the files the settings name and the bytes of
/// the in-memory inputs the model reads. Equal fingerprints give identical results: the task is
/// computed once, its part file is named after the fingerprint, and every member with the same
/// fingerprint uses it.

#include <lauter/sim/run.hpp>
#include <lauter/sim/scenario.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lauter::sim {

/// Districts of the comparison: polygons from a vector file, or a regular grid of squares.
struct BatchDistricts {
    std::optional<std::filesystem::path> file; ///< absolute; polygons in any OGR format
    std::string name_field;                     ///< attribute with the name ("" : numbered)
    double grid_m = 1000.0;                     ///< square edge when no file is given
};

/// One member of a batch: a complete scenario plus how it came about.
struct BatchMember {
    std::string name;
    std::string description;
    /// The member's modifications, one human-readable line each (empty for none).
    std::vector<std::string> modification_lines;
    Scenario scenario;
};

/// A validated batch file.
struct Batch {
    std::string name;
    std::string description;
    std::filesystem::path source_file; ///< as the user named it
    std::filesystem::path base_file;   ///< absolute
    BatchDistricts districts;
    std::vector<BatchMember> members; ///< "baseline" first, then scenarios, then sweep members
    std::string resolved_yaml;        ///< the batch with defaults and absolute paths
};

/// Reads and validates a batch file and resolves every member scenario. Throws ConfigError
/// naming file:line:column and the key (unknown key, missing base, duplicate member name,
/// unknown sweep `from`, `vary` path not found, member values the scenario schema rejects).
[[nodiscard]] Batch load_batch(const std::filesystem::path& file);

/// The fingerprint of task `model` of `s` (the scenario after its modifications, whose
/// resolved_yaml is the resolved scenario file) on `area`, as the batch names its part file.
[[nodiscard]] std::string task_fingerprint(ModelKind model, const Scenario& s,
                                           const StudyArea& area);

/// How a task's result was obtained.
enum class TaskState { computed, reused, resumed, failed };
[[nodiscard]] std::string_view task_state_name(TaskState state) noexcept;

/// One task (member x model) as it ran.
struct TaskReport {
    std::string member;
    std::string model;
    TaskState state = TaskState::computed;
    std::string reused_from; ///< member whose identical result was used (state reused)
    double seconds = 0.0;
    std::string fingerprint;
};

/// One member as it ran.
struct MemberReport {
    std::string name;
    bool ok = false;
    std::string error; ///< why the member failed (ok false)
    double prepare_seconds = 0.0;
    std::vector<TaskReport> tasks;
};

/// State a serial batch (or one MPI rank) keeps across members: the prepared study area, the
/// street network and which fingerprints this process has already produced.
class BatchSession {
public:
    /// `claim_part` (optional) is asked before a part file is computed; false means another
    /// process of the job computes it (issue 8), so this member only refers to it.
    BatchSession(std::filesystem::path parts_dir, bool reuse,
                 std::function<bool(const std::string& part_file)> claim_part = {});
    BatchSession(const BatchSession&) = delete;
    BatchSession& operator=(const BatchSession&) = delete;
    ~BatchSession();

    /// Runs every task of `member` that has no finished part file with its fingerprint and
    /// writes the member's manifest. Never throws for errors of the member itself: they are
    /// returned in the report (ok false) and the member gets no manifest.
    [[nodiscard]] MemberReport run_member(const BatchMember& member);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Removes the temporary files an interrupted batch left in `parts_dir` (never complete parts).
/// Call once before any session starts (with MPI: rank 0, before the ranks begin).
void remove_unfinished_parts(const std::filesystem::path& parts_dir);

/// The part directory of a results file: `<results>.parts`.
[[nodiscard]] std::filesystem::path batch_parts_dir(const std::filesystem::path& results);

/// Assembles the results file from the parts of every member that has a manifest (others are
/// left out): members, hard links of reused results, difference layers, districts and the
/// indicator table, plus `<results>.indicators.csv`. Both written atomically. Returns the names
/// of the members written. Throws RuntimeFailure if the baseline has no manifest.
std::vector<std::string> assemble_batch(const Batch& batch,
                                        const std::filesystem::path& parts_dir,
                                        const std::filesystem::path& results);

/// Options of run_batch.
struct BatchOptions {
    std::filesystem::path results;
    bool reuse = true;
    bool keep_parts = false;
};

/// Runs and assembles a whole batch; prints a line per task and a summary table. Under an MPI
/// launcher (MpiSession active) the members are spread over the ranks (task_farm.hpp) and rank 0
/// assembles; the other ranks return an empty list. Returns the member reports (failed members
/// included) in batch order.
[[nodiscard]] std::vector<MemberReport> run_batch(const Batch& batch, const BatchOptions& options);

} // namespace lauter::sim
