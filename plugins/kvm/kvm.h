// The kvm accelerator and its x86 CPU models (internal to the plugin).
//
// KvmAccelerator owns /dev/kvm, the VM, its memory slots and the in-kernel interrupt
// controllers, and runs each CPU on its own thread. X86KvmCpu is one vCPU: its KVM file
// descriptor and shared run area, its CPUID, its reset state, and the handling of each exit.
// See README.md for the threading and the conventions boards rely on.
#pragma once

#include <linux/kvm.h>
#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <emu/cpu.h>
#include <emu/ioevent.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/property.h>
#include <emu/x86.h>

namespace emu::kvm {

// An owned file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset();

private:
    int fd_ = -1;
};

// KVM structures that end in a flexible array (kvm_cpuid2, kvm_msrs, kvm_irq_routing): a count,
// 32 bits of padding, then the entries. Built by hand because C++ sees <linux/kvm.h>'s
// __DECLARE_FLEX_ARRAY as an empty struct plus the array, so sizeof (and with it the ioctl
// numbers below and the entries' offset) differ from the kernel's C layout on some kernels.
struct FlexHeader {
    std::uint32_t count;
    std::uint32_t padding;
};
static_assert(sizeof(FlexHeader) == 8);
inline constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, FlexHeader);
inline constexpr unsigned long kSetGsiRouting = _IOW(KVMIO, 0x6a, FlexHeader);
inline constexpr unsigned long kSetMsrs = _IOW(KVMIO, 0x89, FlexHeader);
inline constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, FlexHeader);

template <class Entry>
class Flex {
public:
    explicit Flex(std::size_t n)
        : storage_(std::make_unique<std::uint64_t[]>((sizeof(FlexHeader) + n * sizeof(Entry) + 7) / 8)) {
        header()->count = static_cast<std::uint32_t>(n);
    }
    FlexHeader* header() { return reinterpret_cast<FlexHeader*>(storage_.get()); }
    Entry* entries() {
        return reinterpret_cast<Entry*>(reinterpret_cast<std::uint8_t*>(storage_.get()) + sizeof(FlexHeader));
    }

private:
    static_assert(alignof(Entry) <= 8);
    std::unique_ptr<std::uint64_t[]> storage_;
};

// "kvm: <what>: <strerror(errno)>" as an Error.
[[noreturn]] void throw_errno(const std::string& what);
std::string hex(std::uint64_t value);

class X86KvmCpu;
class VcpuThread;

class KvmAccelerator final : public Accelerator, public X86InterruptController, public IoEventAccelerator {
public:
    static void class_init(ClassBuilder<KvmAccelerator>& c);
    KvmAccelerator();
    ~KvmAccelerator() override;

    // ---- Accelerator ----
    void init(Machine& machine) override;
    void add_cpu(Cpu& cpu) override;
    void start() override;
    void pause() override;
    void shutdown() override;

    // ---- X86InterruptController ----
    IrqLine gsi(unsigned n) override;
    unsigned gsi_count() const override { return irqchip_ ? kIoapicPins : 0; }
    void send_msi(std::uint64_t address, std::uint32_t data) override;
    MemoryRegion& msi_window() override;

    // ---- IoEventAccelerator (KVM_IOEVENTFD, KVM_IRQFD) ----
    bool add_ioeventfd(int fd, const IoEventMatch& match) override;
    void remove_ioeventfd(int fd, const IoEventMatch& match) override;
    bool add_irqfd(int fd, unsigned gsi) override;
    void remove_irqfd(int fd, unsigned gsi) override;
    bool add_msi_irqfd(int fd, std::uint64_t address, std::uint32_t data) override;
    bool update_msi_irqfd(int fd, std::uint64_t address, std::uint32_t data) override;
    void remove_msi_irqfd(int fd) override;

    // ---- For the CPUs ----
    bool initialized() const { return vm_fd_.get() >= 0; }
    int kvm_fd() const { return kvm_fd_.get(); }
    int vm_fd() const { return vm_fd_.get(); }
    std::size_t run_area_size() const { return run_area_size_; }
    bool irqchip() const { return irqchip_; }
    bool has_xcrs() const { return has_xcrs_; }
    const std::vector<kvm_cpuid_entry2>& supported_cpuid() const { return supported_cpuid_; }
    X86Machine& board() const { return *machine_; }
    // Bring the memory slots up to date with the system memory's view if it changed since the
    // last call. Any thread; cheap when nothing changed. Returns an error line, or "".
    std::string sync_slots();
    // Back to the power-on state of the in-kernel PIC, IOAPIC and PIT (a board reset; the
    // bootstrap CPU's reset does it). vCPUs must be paused.
    void reset_irqchip();
    // A vCPU cannot go on: print line (the first such line only: one error per run) to stderr
    // and ask the machine to end with status 1.
    void fatal(const std::string& line);

private:
    void create_irqchip();
    bool set_gsi_routing();  // the PC's pins plus msi_routes_; false (errno) if KVM refused
    void fetch_supported_cpuid();
    void attach_memory();
    bool ioeventfd(int fd, const IoEventMatch& match, bool assign);

    struct Slot {
        std::uint32_t id;
        Addr gpa;
        Addr size;
        std::uint8_t* host;
        bool readonly;
    };
    std::string set_slot(std::uint32_t id, Addr gpa, Addr size, std::uint8_t* host, bool readonly);

    // Settings (properties).
    bool want_irqchip_ = true;
    bool trace_msi_ = false;

    Fd kvm_fd_;
    Fd vm_fd_;
    std::size_t run_area_size_ = 0;
    bool irqchip_ = false;
    bool has_pit_ = false;
    bool has_readonly_mem_ = false;
    bool has_xcrs_ = false;
    bool has_ioeventfd_ = false;
    bool has_irqfd_ = false;
    unsigned max_slots_ = 32;
    unsigned max_routes_ = 0;  // KVM_CAP_IRQ_ROUTING: GSIs below this (0: no routing table)
    std::vector<kvm_cpuid_entry2> supported_cpuid_;
    X86Machine* machine_ = nullptr;

    // Reset states of the in-kernel devices, read when they were created.
    std::vector<kvm_irqchip> irqchip_reset_;
    std::optional<kvm_pit_state2> pit_reset_;

    // GSI lines and the MSI window outlive nothing: lines hold this shared state, not the
    // accelerator, so a device that keeps a line after emu tears the VM down does no harm.
    struct VmRef {
        std::atomic<int> fd{-1};
    };
    std::shared_ptr<VmRef> vm_ref_ = std::make_shared<VmRef>();
    std::unique_ptr<MemoryRegion> msi_window_;

    // irqfds that send an MSI (add_msi_irqfd): each has a GSI of its own above the IOAPIC's
    // pins, routed to its message in the GSI routing table.
    struct MsiRoute {
        int fd;
        std::uint32_t gsi;
        std::uint64_t address;
        std::uint32_t data;
    };
    std::mutex routes_mutex_;
    std::vector<MsiRoute> msi_routes_;

    // Memory slots.
    AddressSpace* memory_ = nullptr;
    std::mutex slots_mutex_;
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> free_slot_ids_;
    std::uint32_t next_slot_id_ = 0;
    std::atomic<std::uint64_t> synced_generation_{~std::uint64_t{0}};
    std::shared_ptr<std::atomic<bool>> slots_listener_alive_;

    std::vector<std::unique_ptr<VcpuThread>> vcpus_;
    std::atomic<bool> fatal_reported_{false};
};

// The x86 CPU models ("host", "qemu64"; abstract base "x86-cpu"), driven by KvmAccelerator.
class X86KvmCpu final : public Cpu {
public:
    enum class Model { Host, Qemu64 };
    enum class BootMode { Flat32, Real };

    explicit X86KvmCpu(Model model) : model_(model) {}
    ~X86KvmCpu() override;
    static void class_init(ClassBuilder<X86KvmCpu>& c);

    // Record the reset state (and the boot state as it is now); the CPU's thread loads it into
    // KVM before it next runs the CPU. Resetting the bootstrap CPU also resets the in-kernel
    // interrupt controllers and PIT, as a PC's reset does.
    void reset() override;

    // ---- The CPU's thread (VcpuThread) ----
    enum class Exit {
        Again,    // run again
        Halted,   // HLT without the in-kernel irqchip: sleep until kicked
        Stopped,  // do not run again until the machine restarts (reset, shutdown, fatal error)
    };
    // Load a pending reset state and sync the memory slots; false if that failed (reported).
    bool prepare();
    // Load a pending reset state now, on the calling thread (the CPU's thread is idle: the
    // accelerator does this for every CPU before it starts them, so that no CPU runs while
    // another still has to load its reset state, which would wipe an INIT/SIPI sent to it).
    // False if that failed (reported).
    bool load_pending_reset();
    // One KVM_RUN and the handling of its exit.
    Exit enter();
    // An I/O or MMIO exit is complete only once KVM_RUN is entered again: do that without
    // running guest code (immediate_exit), before the CPU is paused.
    bool io_pending() const { return io_pending_; }
    void complete_io();
    // The immediate_exit byte of the shared run area (a kicker sets it from another thread).
    std::uint8_t* immediate_exit() const { return run_ ? &run_->immediate_exit : nullptr; }

protected:
    void do_realize() override;
    void do_unrealize() override;

private:
    struct ResetRequest {
        std::optional<BootState> boot;
        BootMode mode;
    };

    std::vector<kvm_cpuid_entry2> build_cpuid() const;
    std::string load_reset_state(const ResetRequest& request);
    void handle_io();
    void handle_mmio();
    Exit handle_internal_error();
    std::string location();                    // "RIP=0x... (CS base 0x...)"
    std::string instruction_bytes(const std::uint8_t* kvm_bytes, unsigned kvm_count);

    Model model_;
    BootMode boot_mode_ = BootMode::Flat32;
    KvmAccelerator* accel_ = nullptr;
    Fd fd_;
    kvm_run* run_ = nullptr;
    std::size_t run_size_ = 0;
    std::uint32_t cpuid_version_ = 0;          // CPUID.1:EAX, EDX after reset
    bool has_xsave_ = false;
    std::optional<kvm_lapic_state> lapic_reset_;  // the local APIC right after creation
    bool io_pending_ = false;

    std::mutex reset_mutex_;
    std::optional<ResetRequest> pending_reset_;
};

}  // namespace emu::kvm
