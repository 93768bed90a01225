#include <lauter/sim/error.hpp>
#include <lauter/sim/task_farm.hpp>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <set>
#include <sstream>
#include <utility>

#if LAUTER_WITH_MPI
#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <thread>
#endif

namespace lauter::sim {

namespace {

/// The bookkeeping every farm needs: the next task, the claimed keys and the reports.
class FarmLedger {
public:
    explicit FarmLedger(std::size_t task_count) : task_count_(task_count) {}

    std::optional<std::size_t> take_next() {
        const std::lock_guard lock(mutex_);
        if (next_ >= task_count_) {
            return std::nullopt;
        }
        return next_++;
    }

    bool claim(const std::string& key) {
        const std::lock_guard lock(mutex_);
        return claimed_.insert(key).second;
    }

    void add_report(FarmReport outcome) {
        const std::lock_guard lock(mutex_);
        reports_.push_back(std::move(outcome));
    }

    std::vector<FarmReport> sorted_reports() {
        const std::lock_guard lock(mutex_);
        std::vector<FarmReport> sorted = reports_;
        std::sort(sorted.begin(), sorted.end(),
                  [](const FarmReport& a, const FarmReport& b) { return a.task < b.task; });
        return sorted;
    }

private:
    std::mutex mutex_;
    std::size_t task_count_;
    std::size_t next_ = 0;
    std::set<std::string> claimed_;
    std::vector<FarmReport> reports_;
};

class SerialFarm final : public TaskFarm {
public:
    explicit SerialFarm(std::size_t task_count) : ledger_(task_count) {}

    int rank() const noexcept override { return 0; }
    int size() const noexcept override { return 1; }
    std::optional<std::size_t> next_task() override { return ledger_.take_next(); }
    bool claim(const std::string& key) override { return ledger_.claim(key); }
    void report(const FarmReport& outcome) override { ledger_.add_report(outcome); }
    std::vector<FarmReport> finish() override { return ledger_.sorted_reports(); }

private:
    FarmLedger ledger_;
};

bool started_by_mpi_launcher() {
    for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
        if (std::getenv(variable) != nullptr) {
            return true;
        }
    }
    return false;
}

bool mpi_session_active = false;

#if LAUTER_WITH_MPI

enum FarmTag : int {
    tag_request = 101, ///< worker -> 0: give me a task (no payload)
    tag_assign = 102,  ///< 0 -> worker: int64 task index, -1 when none is left
    tag_claim = 103,   ///< worker -> 0: the key as chars
    tag_claim_reply = 104, ///< 0 -> worker: int 1 granted, 0 taken
    tag_report = 105,  ///< worker -> 0: serialised FarmReport
    tag_done = 106,    ///< worker -> 0: no more messages from this rank
};

constexpr char field_separator = '\x1f';

std::string without_separator(std::string text) {
    std::replace(text.begin(), text.end(), field_separator, ' ');
    return text;
}

std::string serialise(const FarmReport& r) {
    std::ostringstream text;
    text.precision(17);
    text << r.task << field_separator << (r.ok ? 1 : 0) << field_separator << r.seconds
         << field_separator << r.rank << field_separator << without_separator(r.message)
         << field_separator << r.payload;
    return text.str();
}

FarmReport deserialise(const std::string& text) {
    FarmReport r;
    std::istringstream in(text);
    std::string field;
    std::getline(in, field, field_separator);
    r.task = static_cast<std::size_t>(std::stoull(field));
    std::getline(in, field, field_separator);
    r.ok = field == "1";
    std::getline(in, field, field_separator);
    r.seconds = std::stod(field);
    std::getline(in, field, field_separator);
    r.rank = std::stoi(field);
    std::getline(in, r.message, field_separator);
    std::getline(in, r.payload, '\0');
    return r;
}

std::string receive_chars(int source, int tag) {
    MPI_Status status;
    MPI_Probe(source, tag, MPI_COMM_WORLD, &status);
    int count = 0;
    MPI_Get_count(&status, MPI_CHAR, &count);
    std::string text(static_cast<std::size_t>(count), '\0');
    MPI_Recv(text.data(), count, MPI_CHAR, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return text;
}

void send_chars(const std::string& text, int destination, int tag) {
    MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, destination, tag,
             MPI_COMM_WORLD);
}

/// Rank 0: works like every rank and serves the others from a coordinator thread.
class CoordinatorFarm final : public TaskFarm {
public:
    CoordinatorFarm(std::size_t task_count, int world_size)
        : ledger_(task_count), world_size_(world_size),
          coordinator_([this] { serve_workers(); }) {}

    ~CoordinatorFarm() override {
        if (coordinator_.joinable()) {
            coordinator_.join();
        }
    }

    int rank() const noexcept override { return 0; }
    int size() const noexcept override { return world_size_; }
    std::optional<std::size_t> next_task() override { return ledger_.take_next(); }
    bool claim(const std::string& key) override { return ledger_.claim(key); }
    void report(const FarmReport& outcome) override {
        FarmReport r = outcome;
        r.rank = 0;
        ledger_.add_report(std::move(r));
    }
    std::vector<FarmReport> finish() override {
        coordinator_.join();
        return ledger_.sorted_reports();
    }

private:
    void serve_workers() {
        int workers_done = 0;
        while (workers_done < world_size_ - 1) {
            int waiting = 0;
            MPI_Status status;
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &status);
            if (waiting == 0) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                continue;
            }
            const int source = status.MPI_SOURCE;
            switch (status.MPI_TAG) {
            case tag_request: {
                MPI_Recv(nullptr, 0, MPI_BYTE, source, tag_request, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
                const std::optional<std::size_t> task = ledger_.take_next();
                const std::int64_t answer = task ? static_cast<std::int64_t>(*task) : -1;
                MPI_Send(&answer, 1, MPI_INT64_T, source, tag_assign, MPI_COMM_WORLD);
                break;
            }
            case tag_claim: {
                const std::string key = receive_chars(source, tag_claim);
                const int granted = ledger_.claim(key) ? 1 : 0;
                MPI_Send(&granted, 1, MPI_INT, source, tag_claim_reply, MPI_COMM_WORLD);
                break;
            }
            case tag_report:
                ledger_.add_report(deserialise(receive_chars(source, tag_report)));
                break;
            case tag_done:
                MPI_Recv(nullptr, 0, MPI_BYTE, source, tag_done, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
                ++workers_done;
                break;
            default: {
                // A message this protocol does not know: drain it so the loop cannot stall.
                receive_chars(source, status.MPI_TAG);
                break;
            }
            }
        }
    }

    FarmLedger ledger_;
    int world_size_;
    std::thread coordinator_;
};

/// Ranks 1..n-1: every call is a request to rank 0.
class WorkerFarm final : public TaskFarm {
public:
    WorkerFarm(int world_rank, int world_size) : rank_(world_rank), size_(world_size) {}

    int rank() const noexcept override { return rank_; }
    int size() const noexcept override { return size_; }
    std::optional<std::size_t> next_task() override {
        MPI_Send(nullptr, 0, MPI_BYTE, 0, tag_request, MPI_COMM_WORLD);
        std::int64_t answer = -1;
        MPI_Recv(&answer, 1, MPI_INT64_T, 0, tag_assign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (answer < 0) {
            return std::nullopt;
        }
        return static_cast<std::size_t>(answer);
    }
    bool claim(const std::string& key) override {
        send_chars(key, 0, tag_claim);
        int granted = 0;
        MPI_Recv(&granted, 1, MPI_INT, 0, tag_claim_reply, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        return granted == 1;
    }
    void report(const FarmReport& outcome) override {
        FarmReport r = outcome;
        r.rank = rank_;
        send_chars(serialise(r), 0, tag_report);
    }
    std::vector<FarmReport> finish() override {
        MPI_Send(nullptr, 0, MPI_BYTE, 0, tag_done, MPI_COMM_WORLD);
        return {};
    }

private:
    int rank_;
    int size_;
};

#endif

} // namespace

std::unique_ptr<TaskFarm> make_task_farm(std::size_t task_count) {
#if LAUTER_WITH_MPI
    if (MpiSession::active() && MpiSession::world_size() > 1) {
        if (MpiSession::world_rank() == 0) {
            return std::make_unique<CoordinatorFarm>(task_count, MpiSession::world_size());
        }
        return std::make_unique<WorkerFarm>(MpiSession::world_rank(), MpiSession::world_size());
    }
#endif
    return std::make_unique<SerialFarm>(task_count);
}

MpiSession::MpiSession() {
    if (!started_by_mpi_launcher()) {
        return;
    }
#if LAUTER_WITH_MPI
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
    if (provided < MPI_THREAD_SERIALIZED) {
        MPI_Finalize();
        throw RuntimeFailure("MPI: the MPI library offers no MPI_THREAD_SERIALIZED support, "
                             "which the batch coordinator thread needs; use an MPI built with "
                             "thread support (Debian's OpenMPI has it)");
    }
    mpi_session_active = true;
#else
    throw ConfigError("lauter was started by an MPI launcher (mpirun/srun), but this build has "
                      "no MPI support; install libopenmpi-dev and rebuild, or run it without "
                      "mpirun");
#endif
}

MpiSession::~MpiSession() {
#if LAUTER_WITH_MPI
    if (mpi_session_active) {
        MPI_Finalize();
        mpi_session_active = false;
    }
#endif
}

bool MpiSession::active() noexcept { return mpi_session_active; }

int MpiSession::world_rank() noexcept {
#if LAUTER_WITH_MPI
    if (mpi_session_active) {
        int rank = 0;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        return rank;
    }
#endif
    return 0;
}

int MpiSession::world_size() noexcept {
#if LAUTER_WITH_MPI
    if (mpi_session_active) {
        int size = 1;
        MPI_Comm_size(MPI_COMM_WORLD, &size);
        return size;
    }
#endif
    return 1;
}

void MpiSession::abort_job(int exit_code) {
#if LAUTER_WITH_MPI
    if (mpi_session_active) {
        MPI_Abort(MPI_COMM_WORLD, exit_code);
    }
#endif
    std::exit(exit_code);
}

void MpiSession::barrier() {
#if LAUTER_WITH_MPI
    if (mpi_session_active) {
        MPI_Barrier(MPI_COMM_WORLD);
    }
#endif
}

std::string mpi_build_description() {
#if LAUTER_WITH_MPI
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int length = 0;
    MPI_Get_library_version(version, &length);
    std::string text(version, static_cast<std::size_t>(length));
    const std::size_t line_end = text.find_first_of(",\n");
    return "with MPI (" + text.substr(0, line_end) + ")";
#else
    return "without MPI (batches run in one process)";
#endif
}

} // namespace lauter::sim
