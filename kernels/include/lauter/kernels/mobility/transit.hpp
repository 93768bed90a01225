#pragma once
/// @file transit.hpp
/// Frequency-based bus skims (issue 6 item 2, "bus"): zone-to-zone walk, wait, in-vehicle time
/// and transfers over a network of bus lines with headways, without a timetable.
///
/// Model: the frequency-based (headway) representation of a transit network (Spiess & Florian
/// 1989, "Optimal strategies: a new assignment model for transit networks", Transp. Res. B
/// 23(2)), reduced to one shortest path: a passenger arriving at random at a stop waits half the
/// headway of the line boarded. No line combination at a stop is credited (the optimal strategy
/// would let a passenger take the first of several attractive lines), so the skim's waiting is a
/// conservative bound.
///
/// Graph (built once, immutable; node ids in this order):
///   - stop "before the first boarding" nodes [0, S): only the access walk reaches them;
///   - stop "after alighting" nodes [S, 2S): reached by alighting or a transfer walk;
///   - one vehicle node per line position [2S, 2S + P).
/// Arcs: first boarding (stop -> vehicle, wait = headway / 2), later boardings (alighted stop ->
/// vehicle, wait = headway / 2 plus the transfer penalty), riding (vehicle -> next vehicle
/// position, in-vehicle minutes), alighting (vehicle -> alighted stop, free), transfer walks
/// (alighted stop -> alighted stop). A path must board at least once, since egress starts from
/// the alighted nodes only. The Dijkstra label is the generalised minutes walk + wait + in-vehicle
/// + penalty (all weighted 1); its components are carried along the tree.
///
/// Determinism: the heap orders by (cost, node id); a label changes only on a strictly smaller
/// cost; egress ties go to the first link listed. Each origin's row is written by one thread, so
/// skims are bitwise independent of the thread count (OpenMP over origins, one TransitQuery per
/// thread).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lauter::kernels::mobility {

/// One bus line (one direction, one route variant): stops in travel order.
struct TransitLine {
    std::vector<std::uint32_t> stops; ///< stop indices (< stop_count), at least 2
    std::vector<double> ride_min;     ///< stops.size() - 1 in-vehicle minutes (finite, >= 0)
    double headway_min = 20.0;        ///< > 0 and finite
};

/// A walk between two stops for transferring (minutes, finite and >= 0).
struct StopTransfer {
    std::uint32_t from_stop = 0;
    std::uint32_t to_stop = 0;
    double walk_min = 0.0;
};

struct TransitParams {
    /// Penalty of every boarding after the first, in equivalent in-vehicle minutes: 5.4 min for
    /// the best possible bus transfer (Eltved, Nielsen & Rasmussen 2021, "Relevance of detailed
    /// transfer attributes in large-scale multimodal route choice models for metropolitan public
    /// transport passengers", Transp. Res. A 144: 5.4 to 12.1 min against bus in-vehicle time);
    /// Jara-Diaz et al. 2022 (Transport Policy) propose 13-18 min for the pure penalty.
    double transfer_penalty_min = 5.4;
};

/// Walking links between zones and stops in CSR form: the links of zone z are
/// offsets[z] .. offsets[z + 1] - 1 (access: zone -> stop; egress: stop -> zone).
struct ZoneStopLinks {
    std::span<const std::uint32_t> offsets; ///< zone_count + 1 entries, offsets[0] = 0
    std::span<const std::uint32_t> stops;   ///< < stop_count
    std::span<const double> walk_min;       ///< finite, >= 0
};

/// Zone x zone matrices, row-major; +infinity where the bus serves no path (and on the diagonal).
struct TransitSkim {
    std::size_t zone_count = 0;
    std::vector<double> walk_min;       ///< access + transfer walks + egress
    std::vector<double> wait_min;       ///< half the headway of every line boarded
    std::vector<double> in_vehicle_min;
    std::vector<double> penalty_min;    ///< transfer penalties
    std::vector<double> transfers;      ///< boardings - 1
};

class TransitGraph {
public:
    /// Throws std::invalid_argument naming the first invalid line, transfer or value.
    TransitGraph(std::size_t stop_count, std::span<const TransitLine> lines,
                 std::span<const StopTransfer> transfers, const TransitParams& params = {});

    [[nodiscard]] std::size_t stop_count() const noexcept { return stop_count_; }
    [[nodiscard]] std::size_t node_count() const noexcept { return offsets_.size() - 1; }

private:
    friend class TransitQuery;
    /// One arc and the path components it adds.
    struct Arc {
        std::uint32_t target = 0;
        std::uint32_t boardings = 0;
        double walk_min = 0.0;
        double wait_min = 0.0;
        double in_vehicle_min = 0.0;
        double penalty_min = 0.0;
    };
    std::size_t stop_count_ = 0;
    std::vector<std::uint32_t> offsets_;
    std::vector<Arc> arcs_;
};

/// Per-thread search state of TransitGraph (reused across origins).
class TransitQuery {
public:
    struct Label {
        double cost = 0.0;
        double walk_min = 0.0;
        double wait_min = 0.0;
        double in_vehicle_min = 0.0;
        double penalty_min = 0.0;
        std::uint32_t boardings = 0;
    };

    /// Dijkstra from the "before boarding" nodes of `access_stops` with start walks
    /// `access_walk_min` (same size).
    void run(const TransitGraph& graph, std::span<const std::uint32_t> access_stops,
             std::span<const double> access_walk_min);
    /// The label of a stop after alighting (cost +infinity if not reached).
    [[nodiscard]] const Label& alighted(const TransitGraph& graph, std::uint32_t stop) const {
        return labels_[graph.stop_count() + stop];
    }

private:
    std::vector<Label> labels_;
    std::vector<std::uint8_t> done_;
    std::vector<std::pair<double, std::uint32_t>> heap_;
};

/// Skims for every zone pair (OpenMP over origin zones). Throws std::invalid_argument on
/// inconsistent links.
[[nodiscard]] TransitSkim transit_skim(const TransitGraph& graph, const ZoneStopLinks& access,
                                       const ZoneStopLinks& egress, std::size_t zone_count);

/// Combined headway of lines serving one stop: 1 / sum(1 / h) (departures add up; e.g. two
/// 20-min lines give 10 min). Non-finite or non-positive headways are skipped; +infinity if none.
[[nodiscard]] double combined_headway_min(std::span<const double> headways_min);

/// Combined headway of every stop over the lines serving it. Lines with the same `service`
/// value (e.g. both directions and the variants of one line number) count once per stop, with
/// the smallest headway among them. `service` has one entry per line. +infinity for a stop that
/// no line serves.
[[nodiscard]] std::vector<double> stop_headways_min(std::size_t stop_count,
                                                    std::span<const TransitLine> lines,
                                                    std::span<const std::uint32_t> service);

} // namespace lauter::kernels::mobility
