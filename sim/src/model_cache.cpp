// The thermal and cold-air runs a member's tasks share; see ModelCache in run.hpp.
//
// Within one process the thermal task and the cold-air task of a member get the same runs from
// the cache. Under MPI the tasks of one member may be computed by different ranks (a part file
// claimed by another rank): each rank then computes the runs it needs itself. That is correct,
// since the runs are deterministic, only not shared.
#include <lauter/sim/batch.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/run.hpp>

namespace lauter::sim {

const ThermalRun& ModelCache::thermal_run(const Scenario& s, const StudyArea& area) {
    return thermal_run_for(task_fingerprint(ModelKind::thermal, s, area), s, area);
}

const ThermalRun& ModelCache::thermal_run_for(const std::string& key, const Scenario& s,
                                              const StudyArea& area) {
    if (!thermal_ || key != thermal_key_) {
        // The previous run is freed first, so that two runs never coexist.
        thermal_.reset();
        thermal_ = std::make_unique<ThermalRun>(run_thermal(area, s.models.thermal));
        thermal_key_ = key;
    }
    return *thermal_;
}

const ModelCache::ColdAir& ModelCache::cold_air(const Scenario& s, const StudyArea& area) {
    return cold_air_for(task_fingerprint(ModelKind::coldair, s, area), nullptr, s, area);
}

ModelCache::CoupledInputs ModelCache::coupled_inputs(const Scenario& s, const StudyArea& area) {
    // Each fingerprint once: hashing the study area takes a noticeable part of a second on the
    // Kaiserslautern grid.
    const std::string thermal_key = task_fingerprint(ModelKind::thermal, s, area);
    const ColdAir& cold =
        cold_air_for(task_fingerprint(ModelKind::coldair, s, area), &thermal_key, s, area);
    static_cast<void>(thermal_run_for(thermal_key, s, area));
    ThermalRun run = std::move(*thermal_);
    thermal_.reset();
    thermal_key_.clear();
    return {std::move(run), cold};
}

const ModelCache::ColdAir& ModelCache::cold_air_for(const std::string& key,
                                                    const std::string* thermal_key,
                                                    const Scenario& s, const StudyArea& area) {
    // The cold-air fingerprint covers the thermal settings and modifications whenever the
    // settlements come from the thermal-load classes.
    if (cold_air_ && key == cold_air_key_) {
        log_info("cold air: run reused from this member's thermal run (cold-air coupling)");
        return *cold_air_;
    }
    cold_air_.reset();
    const ThermalRun* thermal = nullptr;
    if (effective_settlement_cells(s.models.coldair.settlement_cells, s.models.thermal.enabled) ==
            ColdAirSettlementCells::thermal_load &&
        s.models.thermal.enabled) {
        const std::string own_key =
            thermal_key != nullptr ? *thermal_key : task_fingerprint(ModelKind::thermal, s, area);
        if (thermal_ && own_key == thermal_key_) {
            log_info("cold air: thermal-load classes reused from this member's thermal run");
        }
        thermal = &thermal_run_for(own_key, s, area);
    }
    auto products = std::make_unique<ColdAir>();
    products->surface = coldair_surface_for_scenario(s, area, thermal);
    products->run = run_coldair(products->surface, s.models.coldair);
    cold_air_ = std::move(products);
    cold_air_key_ = key;
    return *cold_air_;
}

} // namespace lauter::sim
