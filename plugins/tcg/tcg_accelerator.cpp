// The "tcg" accelerator: runs software CPUs (emu's own CPU models), one host thread each.
//
// A vCPU thread loops: wait while paused or powered off; execute a budget of instructions;
// after WFI/HLT sleep until the CPU has work (an interrupt kicked it) or is paused; after a
// debugger stop (breakpoint, single step) stay paused until start(). pause()
// returns only when every thread has stopped executing, so the board can reset safely.
#include <pthread.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include <emu/cpu.h>
#include <emu/lock.h>
#include <emu/machine.h>
#include <emu/plugin.h>
#include <emu/property.h>

namespace {

constexpr std::uint64_t kBudget = 1u << 20;  // instructions between checks for a pause

class VcpuThread {
public:
    explicit VcpuThread(emu::SoftwareCpu& cpu) : cpu_(cpu) {}

    void start() {
        std::lock_guard lock(mutex_);
        paused_ = false;
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
        wake_.notify_all();
    }

    void request_pause() {
        std::lock_guard lock(mutex_);
        paused_ = true;
        cpu_.stop_execution();
        wake_.notify_all();
    }

    void wait_paused() {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return idle_ || !thread_.joinable(); });
    }

    void kick() {
        std::lock_guard lock(mutex_);
        kicked_ = true;
        wake_.notify_all();
    }

    void shutdown() {
        {
            std::lock_guard lock(mutex_);
            exit_ = true;
            cpu_.stop_execution();
            wake_.notify_all();
        }
        if (thread_.joinable()) thread_.join();
    }

private:
    void run() {
        emu::set_current_cpu_index(static_cast<int>(cpu_.index()));
        std::string name = "CPU " + std::to_string(cpu_.index()) + "/" + cpu_.type().name();
        name.resize(std::min<std::size_t>(name.size(), 15));  // the kernel's limit
        pthread_setname_np(pthread_self(), name.c_str());
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                while (!exit_ && (paused_ || !cpu_.powered())) {
                    idle_ = true;
                    wake_.notify_all();
                    wake_.wait(lock);
                }
                if (exit_) {
                    idle_ = true;
                    wake_.notify_all();
                    return;
                }
                idle_ = false;
                kicked_ = false;
            }
            const emu::SoftwareCpu::ExecResult result = cpu_.execute(kBudget);
            if (result == emu::SoftwareCpu::ExecResult::Halted) {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [this] { return exit_ || paused_ || kicked_ || cpu_.has_work(); });
            } else if (result == emu::SoftwareCpu::ExecResult::Debug) {
                // The debugger pauses every vCPU and resumes them with start().
                std::lock_guard lock(mutex_);
                paused_ = true;
            }
        }
    }

    emu::SoftwareCpu& cpu_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool paused_ = true;
    bool idle_ = true;
    bool exit_ = false;
    bool kicked_ = false;
};

class TcgAccelerator final : public emu::Accelerator {
public:
    ~TcgAccelerator() override { shutdown(); }

    // CPU models read "jit" when they are created (after the accelerator's properties are set).
    static void class_init(emu::ClassBuilder<TcgAccelerator>& c) {
        c.boolean("jit", &TcgAccelerator::jit_, true,
                  "compile hot guest code to host code where the CPU model can (off: interpret only)");
    }

    void init(emu::Machine&) override {}

    void add_cpu(emu::Cpu& cpu) override {
        auto* software = dynamic_cast<emu::SoftwareCpu*>(&cpu);
        if (!software)
            throw emu::Error("tcg: " + cpu.display_name() + " is not a software CPU model");
        auto& vcpu = *vcpus_.emplace_back(std::make_unique<VcpuThread>(*software));
        cpu.set_kick([&vcpu] { vcpu.kick(); });
    }

    void start() override {
        for (auto& vcpu : vcpus_) vcpu->start();
    }

    void pause() override {
        for (auto& vcpu : vcpus_) vcpu->request_pause();
        emu::BigLockRelease unlocked;  // a vCPU may be waiting for the lock to finish an access
        for (auto& vcpu : vcpus_) vcpu->wait_paused();
    }

    void shutdown() override {
        emu::BigLockRelease unlocked;
        for (auto& vcpu : vcpus_) vcpu->shutdown();
    }

private:
    std::vector<std::unique_ptr<VcpuThread>> vcpus_;
    bool jit_ = true;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "tcg",
               .parent = "accel",
               .description = "software CPUs: emu's own CPU models (interpreted; hot code compiled where the model can)",
               .factory = emu::factory_of<TcgAccelerator>(),
               .class_init = emu::class_init_of<TcgAccelerator>(&TcgAccelerator::class_init)});
}

}  // namespace

EMU_PLUGIN(tcg, "0.1.0", "Runs emu's software CPU models, one host thread per vCPU", "MIT", register_types);
