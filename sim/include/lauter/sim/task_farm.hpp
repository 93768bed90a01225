#pragma once
/// @file task_farm.hpp
/// Distributes the tasks of a batch (its members) over the processes of a job: one process when
/// lauter runs on its own, the ranks of an MPI job when it runs under mpirun or srun (issue 8).
///
/// Scheme: dynamic self-scheduling. Every process, rank 0 included, asks for the next task index
/// when it is idle, so a long member never holds back the short ones (no static partition). Rank
/// 0 answers the requests from a coordinator thread that polls with MPI_Iprobe and sleeps 2 ms
/// when idle, so it does not spin a core the solvers need (a blocking MPI_Recv would busy-wait
/// under OpenMPI). Only that thread calls MPI while the farm runs (MPI_THREAD_SERIALIZED).
///
/// Shared products: two members may need the same product (a model result with the same
/// fingerprint). claim(key) is true for exactly one caller per key over the whole job; the others
/// skip the product and the assembly takes the claimant's copy. This gives the serial batch's
/// "compute once, reuse" rule across ranks, so the results are the same whatever the rank count.
///
/// Faults: a task that fails is reported with its message and the farm goes on with the next;
/// finish() on rank 0 returns every report, ordered by task index.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lauter::sim {

/// What one process reports about one task.
struct FarmReport {
    std::size_t task = 0;
    bool ok = false;
    std::string message; ///< the failure (empty when ok)
    double seconds = 0.0;
    int rank = 0; ///< filled in by the farm
    std::string payload; ///< what the caller needs on rank 0 (e.g. a serialised member report)
};

class TaskFarm {
public:
    virtual ~TaskFarm() = default;

    [[nodiscard]] virtual int rank() const noexcept = 0;
    [[nodiscard]] virtual int size() const noexcept = 0;
    /// The next task for this process, or nullopt when every task is handed out.
    [[nodiscard]] virtual std::optional<std::size_t> next_task() = 0;
    /// True for the first caller of `key` in the whole job, false for every later one.
    [[nodiscard]] virtual bool claim(const std::string& key) = 0;
    /// Records the outcome of a task this process ran (sent to rank 0).
    virtual void report(const FarmReport& outcome) = 0;
    /// Waits until every process has run out of tasks and reported. Rank 0 gets every report,
    /// ordered by task index; the other ranks get an empty list. Call once, after next_task()
    /// returned nullopt.
    [[nodiscard]] virtual std::vector<FarmReport> finish() = 0;
};

/// A farm over `task_count` tasks: over MPI when lauter was built with MPI and the process was
/// started by an MPI launcher (OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK in the environment),
/// otherwise in this process alone. Needs mpi_session() to be alive for the MPI case.
[[nodiscard]] std::unique_ptr<TaskFarm> make_task_farm(std::size_t task_count);

/// Initialises MPI for the lifetime of the returned object when lauter runs under an MPI
/// launcher and was built with MPI; does nothing otherwise. Create it once, in main().
class MpiSession {
public:
    MpiSession();
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;
    ~MpiSession();

    /// True while MPI is initialised by this session.
    [[nodiscard]] static bool active() noexcept;
    /// Rank and size of MPI_COMM_WORLD (0 and 1 without MPI).
    [[nodiscard]] static int world_rank() noexcept;
    [[nodiscard]] static int world_size() noexcept;
    /// Collective barrier over all ranks (no-op without MPI). Call from the main thread only,
    /// never while a farm is running.
    static void barrier();
    /// Ends every rank of the job with `exit_code` (MPI_Abort): for an error on one rank that the
    /// others would otherwise wait for forever. Without MPI it is std::exit.
    [[noreturn]] static void abort_job(int exit_code);
};

/// Whether this build of lauter can use MPI ("OpenMPI 4.1" or similar text), for --version/--help.
[[nodiscard]] std::string mpi_build_description();

} // namespace lauter::sim
