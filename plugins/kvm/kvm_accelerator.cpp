// The "kvm" accelerator: x86 guests on an x86 host through /dev/kvm.
//
// init() opens /dev/kvm and creates the VM with the in-kernel PIC/IOAPIC/local APICs and PIT;
// the system memory's RAM and ROM become memory slots, kept in step with the view; each vCPU
// runs KVM_RUN on its own thread ("CPU N/KVM"). pause() kicks the threads out of KVM_RUN with a
// signal (a no-op handler, plus immediate_exit for a signal that lands before the ioctl) and
// waits, without the big lock, until every thread is idle. ioeventfds and irqfds
// (IoEventAccelerator) are KVM_IOEVENTFD and KVM_IRQFD where the kernel has them.
#include "kvm.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <emu/lock.h>
#include <emu/plugin.h>

namespace emu::kvm {

void Fd::reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void throw_errno(const std::string& what) { throw Error("kvm: " + what + ": " + std::strerror(errno)); }

std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
    return text;
}

namespace {

// The signal that kicks a vCPU thread out of KVM_RUN (QEMU's SIG_IPI). Its handler does
// nothing: the point is the interrupted ioctl.
constexpr int kKickSignal = SIGUSR1;
constexpr Addr kPageSize = 4096;
// Where KVM may put the real-mode TSS (3 pages) and the identity-mapped page table that Intel
// CPUs without unrestricted guest need: QEMU's addresses, just below the BIOS at 4 GiB - 16 MiB.
constexpr std::uint64_t kIdentityMapAddress = 0xfeffc000;
constexpr std::uint64_t kTssAddress = kIdentityMapAddress + 0x1000;

void install_kick_handler() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction action {};
        action.sa_handler = [](int) {};
        sigemptyset(&action.sa_mask);
        // KVM_RUN returns EINTR whatever the flags; other system calls a vCPU thread makes
        // (device callbacks writing to a back end) just carry on.
        action.sa_flags = SA_RESTART;
        ::sigaction(kKickSignal, &action, nullptr);
    });
}

int check_extension(int fd, long capability) {
    const int r = ::ioctl(fd, KVM_CHECK_EXTENSION, capability);
    return r < 0 ? 0 : r;
}

}  // namespace

// ---- The thread of one vCPU ------------------------------------------------------------------

class VcpuThread {
public:
    explicit VcpuThread(X86KvmCpu& cpu) : cpu_(cpu) {}
    X86KvmCpu& cpu() const { return cpu_; }

    // The thread is not started, or paused and waiting: nothing runs the CPU until start().
    bool paused() {
        std::lock_guard lock(mutex_);
        return !alive_ || (paused_ && idle_);
    }

    void start() {
        std::lock_guard lock(mutex_);
        paused_ = false;
        stopped_ = false;
        if (!thread_.joinable()) {
            alive_ = true;
            thread_ = std::thread([this] { run(); });
        }
        wake_.notify_all();
    }

    void request_pause() {
        std::lock_guard lock(mutex_);
        paused_ = true;
        interrupt_locked();
    }

    void wait_paused() {
        if (thread_.joinable() && std::this_thread::get_id() == thread_.get_id()) return;
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return idle_ || !alive_; });
    }

    // Make the thread look at its state again: out of KVM_RUN, out of a HLT sleep.
    void kick() {
        std::lock_guard lock(mutex_);
        interrupt_locked();
    }

    void shutdown() {
        {
            std::lock_guard lock(mutex_);
            exit_ = true;
            interrupt_locked();
        }
        if (thread_.joinable()) thread_.join();
    }

private:
    void interrupt_locked() {
        kicked_.store(true);
        if (alive_) {
            // A signal that arrives before the thread enters KVM_RUN is lost in the no-op
            // handler; immediate_exit makes that KVM_RUN return at once instead.
            if (std::uint8_t* flag = cpu_.immediate_exit()) std::atomic_ref<std::uint8_t>(*flag).store(1);
            ::pthread_kill(thread_.native_handle(), kKickSignal);
        }
        wake_.notify_all();
    }

    bool must_wait_locked() const { return paused_ || stopped_ || !cpu_.powered(); }

    void run() {
        set_current_cpu_index(static_cast<int>(cpu_.index()));
        const std::string name = "CPU " + std::to_string(cpu_.index()) + "/KVM";
        ::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, kKickSignal);
        ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);

        for (;;) {
            kicked_.store(false);
            {
                std::unique_lock lock(mutex_);
                for (;;) {
                    if (exit_) {
                        if (cpu_.io_pending()) cpu_.complete_io();
                        idle_ = true;
                        alive_ = false;
                        wake_.notify_all();
                        return;
                    }
                    if (!must_wait_locked()) break;
                    if (cpu_.io_pending()) {  // finish the instruction before anyone looks
                        lock.unlock();
                        cpu_.complete_io();
                        lock.lock();
                        continue;
                    }
                    idle_ = true;
                    wake_.notify_all();
                    wake_.wait(lock);
                }
                idle_ = false;
            }
            if (!cpu_.prepare()) {
                std::lock_guard lock(mutex_);
                stopped_ = true;
                continue;
            }
            // Clear immediate_exit, then look for a kick: a kicker sets kicked_ before it sets
            // immediate_exit, so either we see the kick here or KVM_RUN sees immediate_exit.
            std::atomic_ref<std::uint8_t>(*cpu_.immediate_exit()).store(0);
            std::atomic_thread_fence(std::memory_order_seq_cst);
            if (kicked_.load()) continue;
            switch (cpu_.enter()) {
            case X86KvmCpu::Exit::Again:
                break;
            case X86KvmCpu::Exit::Halted: {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [this] { return exit_ || must_wait_locked() || kicked_.load(); });
                break;
            }
            case X86KvmCpu::Exit::Stopped: {
                std::lock_guard lock(mutex_);
                stopped_ = true;
                break;
            }
            }
        }
    }

    X86KvmCpu& cpu_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<bool> kicked_{false};
    bool alive_ = false;    // the thread runs (signals may be sent to it)
    bool paused_ = true;
    bool stopped_ = false;  // the CPU asked not to run until the next start()
    bool idle_ = true;
    bool exit_ = false;
};

// ---- The accelerator ---------------------------------------------------------------------------

void KvmAccelerator::class_init(ClassBuilder<KvmAccelerator>& c) {
    c.boolean("kernel-irqchip", &KvmAccelerator::want_irqchip_, true,
              "emulate the PIC, IOAPIC, local APICs and PIT in the kernel (off: no interrupt "
              "controller at all, one CPU only; for diagnosis)");
    c.boolean("trace-msi", &KvmAccelerator::trace_msi_, false,
              "print each MSI irqfd route change and each MSI sent by a system call to stderr "
              "(for tests and diagnosis)");
}

KvmAccelerator::KvmAccelerator() = default;

KvmAccelerator::~KvmAccelerator() {
    shutdown();
    vm_ref_->fd.store(-1);
    if (slots_listener_alive_) slots_listener_alive_->store(false);
}

void KvmAccelerator::init(Machine& machine) {
    machine_ = dynamic_cast<X86Machine*>(&machine);
    if (!machine_)
        throw Error("kvm: machine '" + machine.type().name() +
                    "' is not an x86 machine (this accelerator runs x86 guests)");
    kvm_fd_ = Fd(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
    if (!kvm_fd_) throw_errno("cannot open /dev/kvm");
    const int version = ::ioctl(kvm_fd_.get(), KVM_GET_API_VERSION, 0);
    if (version < 0) throw_errno("/dev/kvm is not a KVM device");
    if (version != KVM_API_VERSION)
        throw Error("kvm: /dev/kvm speaks API version " + std::to_string(version) + ", not " +
                    std::to_string(KVM_API_VERSION));
    for (auto [cap, name] : {std::pair{KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
                             std::pair{KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT (Linux 4.11)"},
                             std::pair{KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"}})
        if (!check_extension(kvm_fd_.get(), cap)) throw Error(std::string("kvm: the kernel lacks ") + name);
    const int run_size = ::ioctl(kvm_fd_.get(), KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size <= 0) throw_errno("KVM_GET_VCPU_MMAP_SIZE");
    run_area_size_ = static_cast<std::size_t>(run_size);

    int vm = -1;
    do vm = ::ioctl(kvm_fd_.get(), KVM_CREATE_VM, 0);
    while (vm < 0 && errno == EINTR);
    if (vm < 0) throw_errno("cannot create a VM (KVM_CREATE_VM)");
    vm_fd_ = Fd(vm);
    vm_ref_->fd.store(vm);

    const int kvm = kvm_fd_.get();
    has_readonly_mem_ = check_extension(kvm, KVM_CAP_READONLY_MEM) > 0;
    has_xcrs_ = check_extension(kvm, KVM_CAP_XCRS) > 0;
    has_ioeventfd_ = check_extension(kvm, KVM_CAP_IOEVENTFD) > 0;
    has_irqfd_ = check_extension(kvm, KVM_CAP_IRQFD) > 0;
    if (const int n = check_extension(kvm, KVM_CAP_NR_MEMSLOTS); n > 0) max_slots_ = static_cast<unsigned>(n);

    // Intel without unrestricted guest runs real mode through these; harmless elsewhere.
    if (check_extension(kvm, KVM_CAP_SET_IDENTITY_MAP_ADDR)) {
        std::uint64_t identity = kIdentityMapAddress;
        if (::ioctl(vm, KVM_SET_IDENTITY_MAP_ADDR, &identity) < 0) throw_errno("KVM_SET_IDENTITY_MAP_ADDR");
    }
    if (::ioctl(vm, KVM_SET_TSS_ADDR, static_cast<unsigned long>(kTssAddress)) < 0) throw_errno("KVM_SET_TSS_ADDR");

    if (want_irqchip_ && check_extension(kvm, KVM_CAP_IRQCHIP)) create_irqchip();
    fetch_supported_cpuid();
    install_kick_handler();
}

void KvmAccelerator::create_irqchip() {
    const int vm = vm_fd_.get();
    const int kvm = kvm_fd_.get();
    if (::ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0) throw_errno("KVM_CREATE_IRQCHIP");
    irqchip_ = true;
    if (const int routes = check_extension(kvm, KVM_CAP_IRQ_ROUTING); routes > 0) {
        max_routes_ = static_cast<unsigned>(routes);
        if (!set_gsi_routing()) throw_errno("KVM_SET_GSI_ROUTING");
    }
    for (std::uint32_t chip : {KVM_IRQCHIP_PIC_MASTER, KVM_IRQCHIP_PIC_SLAVE, KVM_IRQCHIP_IOAPIC}) {
        kvm_irqchip state{};
        state.chip_id = chip;
        if (::ioctl(vm, KVM_GET_IRQCHIP, &state) < 0) throw_errno("KVM_GET_IRQCHIP");
        irqchip_reset_.push_back(state);
    }
    if (check_extension(kvm, KVM_CAP_PIT2)) {
        kvm_pit_config config{};
        config.flags = KVM_PIT_SPEAKER_DUMMY;  // port 0x61 (PIT channel 2 gate and output) in the kernel
        if (::ioctl(vm, KVM_CREATE_PIT2, &config) < 0) throw_errno("KVM_CREATE_PIT2");
        has_pit_ = true;
        if (check_extension(kvm, KVM_CAP_PIT_STATE2)) {
            kvm_pit_state2 state{};
            if (::ioctl(vm, KVM_GET_PIT2, &state) == 0) pit_reset_ = state;
        }
    }
    msi_window_ = MemoryRegion::mmio(
        "kvm-msi", kMsiSize,
        MmioOps{.read = [](Addr, unsigned) -> std::uint64_t { return 0; },
                .write = [this](Addr offset, std::uint64_t value, unsigned) {
                    send_msi(kMsiBase + offset, static_cast<std::uint32_t>(value));
                },
                .valid_min = 4,
                .valid_max = 4,
                .impl_min = 4,
                .impl_max = 4});
}

// QEMU's PC routing: ISA IRQs to the 8259s (not 2, the cascade) and the IOAPIC pins of the same
// number, except IRQ 0 which is IOAPIC pin 2; GSI 16-23 to the IOAPIC only. Then the MSI routes
// of the irqfds (KVM replaces the whole table at once). Callers other than create_irqchip hold
// routes_mutex_.
bool KvmAccelerator::set_gsi_routing() {
    std::vector<kvm_irq_routing_entry> entries;
    auto add = [&](std::uint32_t gsi, std::uint32_t chip, std::uint32_t pin) {
        kvm_irq_routing_entry e{};
        e.gsi = gsi;
        e.type = KVM_IRQ_ROUTING_IRQCHIP;
        e.u.irqchip.irqchip = chip;
        e.u.irqchip.pin = pin;
        entries.push_back(e);
    };
    for (std::uint32_t i = 0; i < 8; ++i)
        if (i != 2) add(i, KVM_IRQCHIP_PIC_MASTER, i);
    for (std::uint32_t i = 8; i < 16; ++i) add(i, KVM_IRQCHIP_PIC_SLAVE, i - 8);
    for (std::uint32_t i = 0; i < kIoapicPins; ++i) {
        if (i == 0) add(0, KVM_IRQCHIP_IOAPIC, 2);
        else if (i != 2) add(i, KVM_IRQCHIP_IOAPIC, i);
    }
    for (const MsiRoute& route : msi_routes_) {
        kvm_irq_routing_entry e{};
        e.gsi = route.gsi;
        e.type = KVM_IRQ_ROUTING_MSI;
        e.u.msi.address_lo = static_cast<std::uint32_t>(route.address);
        e.u.msi.address_hi = static_cast<std::uint32_t>(route.address >> 32);
        e.u.msi.data = route.data;
        entries.push_back(e);
    }
    Flex<kvm_irq_routing_entry> routing(entries.size());
    std::copy(entries.begin(), entries.end(), routing.entries());
    return ::ioctl(vm_fd_.get(), kSetGsiRouting, routing.header()) == 0;
}

void KvmAccelerator::fetch_supported_cpuid() {
    for (std::size_t n = 128; n <= 4096; n *= 2) {
        Flex<kvm_cpuid_entry2> cpuid(n);
        if (::ioctl(kvm_fd_.get(), kGetSupportedCpuid, cpuid.header()) == 0) {
            supported_cpuid_.assign(cpuid.entries(), cpuid.entries() + cpuid.header()->count);
            return;
        }
        if (errno != E2BIG) throw_errno("KVM_GET_SUPPORTED_CPUID");
    }
    throw Error("kvm: KVM_GET_SUPPORTED_CPUID: too many entries");
}

void KvmAccelerator::attach_memory() {
    if (memory_) return;
    memory_ = machine_ ? machine_->system_memory() : nullptr;
    if (!memory_) return;
    // The view is rebuilt lazily, so the listener only says "look again"; the vCPUs compare the
    // view's generation before each KVM_RUN, which also catches changes no lookup rendered yet.
    // A change made on a thread other than a vCPU's (the main loop) kicks CPU 0 to apply it.
    slots_listener_alive_ = std::make_shared<std::atomic<bool>>(true);
    memory_->add_listener([alive = slots_listener_alive_, this] {
        if (!alive->load() || current_cpu_index() >= 0) return;
        if (!vcpus_.empty()) vcpus_.front()->kick();
    });
}

void KvmAccelerator::add_cpu(Cpu& cpu) {
    auto* x86 = dynamic_cast<X86KvmCpu*>(&cpu);
    if (!x86) throw Error("kvm: " + cpu.display_name() + " is not a CPU model kvm runs (-cpu host or qemu64)");
    if (!x86->realized()) throw Error("kvm: " + cpu.display_name() + " must be realized before add_cpu");
    if (!irqchip_ && !vcpus_.empty())
        throw Error("kvm: more than one CPU needs the in-kernel irqchip (kernel-irqchip=on)");
    attach_memory();
    auto& vcpu = *vcpus_.emplace_back(std::make_unique<VcpuThread>(*x86));
    cpu.set_kick([&vcpu] { vcpu.kick(); });
}

void KvmAccelerator::start() {
    attach_memory();
    if (std::string error = sync_slots(); !error.empty()) {
        fatal(error);
        return;
    }
    // Every CPU loads its reset state before any runs (see X86KvmCpu::load_pending_reset); a
    // CPU that is running already (start() without pause()) loads it on its own thread.
    for (auto& vcpu : vcpus_)
        if (vcpu->paused() && !vcpu->cpu().load_pending_reset()) return;
    for (auto& vcpu : vcpus_) vcpu->start();
}

void KvmAccelerator::pause() {
    for (auto& vcpu : vcpus_) vcpu->request_pause();
    BigLockRelease unlocked;  // a vCPU may be waiting for the lock to finish an I/O access
    for (auto& vcpu : vcpus_) vcpu->wait_paused();
}

void KvmAccelerator::shutdown() {
    BigLockRelease unlocked;
    for (auto& vcpu : vcpus_) vcpu->shutdown();
}

void KvmAccelerator::fatal(const std::string& line) {
    if (!fatal_reported_.exchange(true)) {
        std::fprintf(stderr, "%s\n", line.c_str());
        std::fflush(stderr);
    }
    if (machine_) machine_->request_shutdown(1);
}

// ---- Memory slots ------------------------------------------------------------------------------

std::string KvmAccelerator::set_slot(std::uint32_t id, Addr gpa, Addr size, std::uint8_t* host, bool readonly) {
    kvm_userspace_memory_region region{};
    region.slot = id;
    region.flags = readonly && has_readonly_mem_ ? KVM_MEM_READONLY : 0;
    region.guest_phys_addr = gpa;
    region.memory_size = size;
    region.userspace_addr = reinterpret_cast<std::uint64_t>(host);
    if (::ioctl(vm_fd_.get(), KVM_SET_USER_MEMORY_REGION, &region) == 0) return {};
    return "emu: kvm: cannot " + std::string(size ? "map guest memory at " + hex(gpa) + " (" + hex(size) + " bytes)"
                                                 : "unmap guest memory at " + hex(gpa)) +
           " as memory slot " + std::to_string(id) + ": " + std::strerror(errno);
}

std::string KvmAccelerator::sync_slots() {
    if (!memory_) return {};
    if (memory_->generation() == synced_generation_.load(std::memory_order_acquire)) return {};
    std::lock_guard lock(slots_mutex_);
    const std::uint64_t generation = memory_->generation();
    if (generation == synced_generation_.load(std::memory_order_relaxed)) return {};

    // KVM maps whole pages: keep the page-aligned inside of each block; the rest (and RAM whose
    // host address does not line up) is reached through MMIO exits, which the memory API
    // serves from the same RAM.
    std::vector<Slot> wanted;
    for (const RamBlock& block : memory_->ram_blocks()) {
        const Addr start = (block.guest_address + kPageSize - 1) & ~(kPageSize - 1);
        const Addr end = (block.guest_address + block.size) & ~(kPageSize - 1);
        if (end <= start) continue;
        std::uint8_t* host = block.host + (start - block.guest_address);
        if (reinterpret_cast<std::uintptr_t>(host) & (kPageSize - 1)) continue;
        wanted.push_back({0, start, end - start, host, block.readonly});
    }
    auto same = [](const Slot& a, const Slot& b) {
        return a.gpa == b.gpa && a.size == b.size && a.host == b.host && a.readonly == b.readonly;
    };
    // Slots may not overlap: delete what goes away first, then add what is new.
    std::vector<Slot> kept;
    for (const Slot& slot : slots_) {
        if (std::any_of(wanted.begin(), wanted.end(), [&](const Slot& w) { return same(w, slot); })) {
            kept.push_back(slot);
            continue;
        }
        if (std::string error = set_slot(slot.id, slot.gpa, 0, nullptr, false); !error.empty()) return error;
        free_slot_ids_.push_back(slot.id);
    }
    slots_ = std::move(kept);
    for (Slot& slot : wanted) {
        if (std::any_of(slots_.begin(), slots_.end(), [&](const Slot& s) { return same(s, slot); })) continue;
        if (!free_slot_ids_.empty()) {
            slot.id = free_slot_ids_.back();
            free_slot_ids_.pop_back();
        } else if (next_slot_id_ < max_slots_) {
            slot.id = next_slot_id_++;
        } else {
            return "emu: kvm: the machine's memory map needs more than the " + std::to_string(max_slots_) +
                   " memory slots KVM offers";
        }
        if (std::string error = set_slot(slot.id, slot.gpa, slot.size, slot.host, slot.readonly); !error.empty()) {
            free_slot_ids_.push_back(slot.id);
            return error;
        }
        slots_.push_back(slot);
    }
    synced_generation_.store(generation, std::memory_order_release);
    return {};
}

// ---- Interrupts ---------------------------------------------------------------------------------

IrqLine KvmAccelerator::gsi(unsigned n) {
    if (!irqchip_) throw Error("kvm: no interrupt controller (kernel-irqchip=off): GSI " + std::to_string(n));
    if (n >= kIoapicPins)
        throw Error("kvm: GSI " + std::to_string(n) + " does not exist (0-" + std::to_string(kIoapicPins - 1) + ")");
    return IrqLine([vm = vm_ref_, n](bool level) {
        const int fd = vm->fd.load();
        if (fd < 0) return;
        kvm_irq_level irq{};
        irq.irq = n;
        irq.level = level ? 1 : 0;
        ::ioctl(fd, KVM_IRQ_LINE, &irq);
    });
}

void KvmAccelerator::send_msi(std::uint64_t address, std::uint32_t data) {
    const int fd = vm_ref_->fd.load();
    if (fd < 0 || !irqchip_) return;
    kvm_msi msi{};
    msi.address_lo = static_cast<std::uint32_t>(address);
    msi.address_hi = static_cast<std::uint32_t>(address >> 32);
    msi.data = data;
    ::ioctl(fd, KVM_SIGNAL_MSI, &msi);  // 0: blocked by the guest (masked); not an error
    if (trace_msi_) std::fprintf(stderr, "kvm: KVM_SIGNAL_MSI address=%s data=%s\n", hex(address).c_str(), hex(data).c_str());
}

MemoryRegion& KvmAccelerator::msi_window() {
    if (!msi_window_) throw Error("kvm: no interrupt controller (kernel-irqchip=off): no MSI window");
    return *msi_window_;
}

// ---- ioeventfd and irqfd ------------------------------------------------------------------------
// Both live beside the memory slots, not in them: re-syncing the slots leaves them alone. An
// ioeventfd on an address that is a memory slot (RAM) never fires: the write goes to RAM.

bool KvmAccelerator::ioeventfd(int fd, const IoEventMatch& match, bool assign) {
    if (!has_ioeventfd_ || vm_fd_.get() < 0) return false;
    if (match.size != 1 && match.size != 2 && match.size != 4 && match.size != 8) return false;
    if (match.space == IoEventSpace::Io && (match.size == 8 || match.address > 0xffff)) return false;
    kvm_ioeventfd request{};
    request.addr = match.address;
    request.len = match.size;
    request.fd = fd;
    if (match.space == IoEventSpace::Io) request.flags |= KVM_IOEVENTFD_FLAG_PIO;
    if (match.data) {
        request.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
        request.datamatch = *match.data;
    }
    if (!assign) request.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
    return ::ioctl(vm_fd_.get(), KVM_IOEVENTFD, &request) == 0;
}

bool KvmAccelerator::add_ioeventfd(int fd, const IoEventMatch& match) { return ioeventfd(fd, match, true); }
void KvmAccelerator::remove_ioeventfd(int fd, const IoEventMatch& match) { ioeventfd(fd, match, false); }

bool KvmAccelerator::add_irqfd(int fd, unsigned gsi) {
    if (!has_irqfd_ || !irqchip_ || gsi >= kIoapicPins) return false;
    kvm_irqfd request{};
    request.fd = static_cast<std::uint32_t>(fd);
    request.gsi = gsi;
    return ::ioctl(vm_fd_.get(), KVM_IRQFD, &request) == 0;
}

void KvmAccelerator::remove_irqfd(int fd, unsigned gsi) {
    if (!has_irqfd_ || !irqchip_ || vm_fd_.get() < 0) return;
    kvm_irqfd request{};
    request.fd = static_cast<std::uint32_t>(fd);
    request.gsi = gsi;
    request.flags = KVM_IRQFD_FLAG_DEASSIGN;
    ::ioctl(vm_fd_.get(), KVM_IRQFD, &request);
}

// An MSI irqfd: a GSI of its own (the lowest free one above the IOAPIC's pins) routed to the
// message, then KVM_IRQFD on that GSI. Rewriting the route later retargets the irqfd in place.
bool KvmAccelerator::add_msi_irqfd(int fd, std::uint64_t address, std::uint32_t data) {
    if (!has_irqfd_ || !irqchip_ || max_routes_ == 0 || vm_fd_.get() < 0) return false;
    // Only what the MSI window would turn into send_msi: anything else is an ordinary DMA write.
    if (address < kMsiBase || address - kMsiBase >= kMsiSize) return false;
    std::lock_guard lock(routes_mutex_);
    std::uint32_t gsi = kIoapicPins;
    while (std::any_of(msi_routes_.begin(), msi_routes_.end(), [&](const MsiRoute& r) { return r.gsi == gsi; })) ++gsi;
    if (gsi >= max_routes_) return false;
    msi_routes_.push_back({fd, gsi, address, data});
    if (!set_gsi_routing()) {
        msi_routes_.pop_back();
        set_gsi_routing();
        return false;
    }
    kvm_irqfd request{};
    request.fd = static_cast<std::uint32_t>(fd);
    request.gsi = gsi;
    if (::ioctl(vm_fd_.get(), KVM_IRQFD, &request) < 0) {
        msi_routes_.pop_back();
        set_gsi_routing();
        return false;
    }
    if (trace_msi_)
        std::fprintf(stderr, "kvm: MSI irqfd gsi=%u address=%s data=%s\n", gsi, hex(address).c_str(), hex(data).c_str());
    return true;
}

bool KvmAccelerator::update_msi_irqfd(int fd, std::uint64_t address, std::uint32_t data) {
    if (address < kMsiBase || address - kMsiBase >= kMsiSize) {
        remove_msi_irqfd(fd);
        return false;
    }
    {
        std::lock_guard lock(routes_mutex_);
        auto it = std::find_if(msi_routes_.begin(), msi_routes_.end(), [&](const MsiRoute& r) { return r.fd == fd; });
        if (it == msi_routes_.end()) return false;
        const MsiRoute before = *it;
        it->address = address;
        it->data = data;
        if (set_gsi_routing()) {
            if (trace_msi_)
                std::fprintf(stderr, "kvm: MSI irqfd gsi=%u address=%s data=%s\n", it->gsi, hex(address).c_str(),
                             hex(data).c_str());
            return true;
        }
        *it = before;
    }
    remove_msi_irqfd(fd);
    return false;
}

void KvmAccelerator::remove_msi_irqfd(int fd) {
    std::lock_guard lock(routes_mutex_);
    auto it = std::find_if(msi_routes_.begin(), msi_routes_.end(), [&](const MsiRoute& r) { return r.fd == fd; });
    if (it == msi_routes_.end()) return;
    if (vm_fd_.get() >= 0) {
        kvm_irqfd request{};
        request.fd = static_cast<std::uint32_t>(fd);
        request.gsi = it->gsi;
        request.flags = KVM_IRQFD_FLAG_DEASSIGN;
        ::ioctl(vm_fd_.get(), KVM_IRQFD, &request);
    }
    if (trace_msi_) std::fprintf(stderr, "kvm: MSI irqfd gsi=%u removed\n", it->gsi);
    msi_routes_.erase(it);
    if (vm_fd_.get() >= 0) set_gsi_routing();
}

void KvmAccelerator::reset_irqchip() {
    if (!irqchip_) return;
    for (kvm_irqchip state : irqchip_reset_) ::ioctl(vm_fd_.get(), KVM_SET_IRQCHIP, &state);
    if (has_pit_ && pit_reset_) {
        kvm_pit_state2 state = *pit_reset_;
        ::ioctl(vm_fd_.get(), KVM_SET_PIT2, &state);
    }
}

// ---- Registration ----------------------------------------------------------------------------

void register_cpu_types(TypeBatch& types);

namespace {

void register_types(TypeBatch& types) {
    types.add({.name = "kvm",
               .parent = "accel",
               .description = "x86 guests on the host's CPU through Linux KVM (/dev/kvm)",
               .factory = factory_of<KvmAccelerator>(),
               .class_init = class_init_of<KvmAccelerator>(&KvmAccelerator::class_init)});
    register_cpu_types(types);
}

}  // namespace
}  // namespace emu::kvm

EMU_PLUGIN(kvm, "0.1.0", "Linux KVM: x86 guests on the host CPU, with the x86 CPU models host and qemu64",
           "MIT", emu::kvm::register_types);
