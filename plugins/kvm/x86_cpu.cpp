// The x86 CPU models kvm runs: "host" (everything KVM_GET_SUPPORTED_CPUID offers) and "qemu64"
// (QEMU's conservative 64-bit model), both of abstract type "x86-cpu".
//
// A CPU owns its vCPU file descriptor and the run area shared with the kernel. Its CPUID is set
// once, at realize, with the APIC id = index and a topology of one socket of smp cores, one
// thread each. reset() records the reset (or boot) state; the CPU's own thread loads it into
// KVM before it next enters the guest. enter() is one KVM_RUN and the handling of its exit.
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>

#include <emu/lock.h>
#include <emu/plugin.h>

#include "kvm.h"

namespace emu::kvm {

namespace {

// CPUID vendor signatures (EBX of leaf 0).
constexpr std::uint32_t kVendorIntel = 0x756e6547;  // "Genu"
constexpr std::uint32_t kVendorAmd = 0x68747541;    // "Auth"
constexpr std::uint32_t kVendorHygon = 0x6f677948;  // "Hygo"

// Leaf 1 ECX / EDX.
constexpr std::uint32_t kEcxSse3 = 1u << 0, kEcxCx16 = 1u << 13, kEcxX2apic = 1u << 21, kEcxXsave = 1u << 26,
                        kEcxHypervisor = 1u << 31;
constexpr std::uint32_t kEdxHtt = 1u << 28;
// qemu64's leaf 1 EDX: fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36
// clflush mmx fxsr sse sse2.
constexpr std::uint32_t kQemu64Edx = 0x078bfbfd;
// Leaf 0x80000001.
constexpr std::uint32_t kExtEdxSyscall = 1u << 11, kExtEdxNx = 1u << 20, kExtEdxLm = 1u << 29;
constexpr std::uint32_t kAmdEdxAliases = 0x0183f3ff;  // AMD repeats these leaf 1 EDX bits
constexpr std::uint32_t kExtEcxLahf = 1u << 0, kExtEcxCmpLegacy = 1u << 1, kExtEcxTopoext = 1u << 22;
constexpr char kQemu64Brand[] = "QEMU Virtual CPU version 2.5+";

constexpr std::uint64_t kCr0Pe = 1u << 0, kCr0Et = 1u << 4, kCr0Pg = 1u << 31;
constexpr std::uint64_t kCr0Reset = 0x60000010;  // CD | NW | ET
constexpr std::uint64_t kEferLma = 1u << 10;
constexpr std::uint64_t kApicBase = 0xfee00000, kApicBaseEnable = 1u << 11, kApicBaseBsp = 1u << 8;

kvm_cpuid_entry2* find_leaf(std::vector<kvm_cpuid_entry2>& entries, std::uint32_t function, std::uint32_t index = 0) {
    for (auto& e : entries)
        if (e.function == function && (!(e.flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e.index == index)) return &e;
    return nullptr;
}

kvm_segment segment(std::uint16_t selector, std::uint64_t base, std::uint32_t limit, std::uint8_t type,
                    bool code_or_data, bool big) {
    kvm_segment s{};
    s.base = base;
    s.limit = limit;
    s.selector = selector;
    s.type = type;
    s.present = 1;
    s.s = code_or_data ? 1 : 0;
    s.db = big ? 1 : 0;
    s.g = limit > 0xfffff ? 1 : 0;
    return s;
}

const char* internal_error_name(std::uint32_t suberror) {
    switch (suberror) {
    case KVM_INTERNAL_ERROR_EMULATION: return "emulation failure";
    case KVM_INTERNAL_ERROR_SIMUL_EX: return "exception while delivering an exception";
    case KVM_INTERNAL_ERROR_DELIVERY_EV: return "exit while delivering an event";
    case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON: return "unexpected exit reason";
    default: return "unknown";
    }
}

}  // namespace

void X86KvmCpu::class_init(ClassBuilder<X86KvmCpu>& c) {
    c.enumeration("boot-mode", &X86KvmCpu::boot_mode_,
                  {{"flat32", BootMode::Flat32}, {"real", BootMode::Real}}, BootMode::Flat32,
                  "how a boot state's entry is entered: flat32 (32-bit protected mode, paging off; PVH) "
                  "or real (real mode, CS = (entry >> 4) & 0xf000, IP = entry & 0xffff)");
}

X86KvmCpu::~X86KvmCpu() { do_unrealize(); }

void X86KvmCpu::do_realize() {
    Machine* board = machine();
    accel_ = board ? dynamic_cast<KvmAccelerator*>(board->accelerator()) : nullptr;
    // The device-test accelerator keeps the board's CPUs without ever running them: no vCPU.
    if (!accel_ && board && board->accelerator() && board->accelerator()->is_a("qtest")) return;
    if (!accel_ || !accel_->initialized())
        throw Error("CPU model '" + type().name() + "' needs the kvm accelerator (-accel kvm)");
    const int vcpu = ::ioctl(accel_->vm_fd(), KVM_CREATE_VCPU, static_cast<unsigned long>(index()));
    if (vcpu < 0) throw_errno("cannot create vCPU " + std::to_string(index()));
    fd_ = Fd(vcpu);
    void* area = ::mmap(nullptr, accel_->run_area_size(), PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (area == MAP_FAILED) throw_errno("cannot map the run area of vCPU " + std::to_string(index()));
    run_ = static_cast<kvm_run*>(area);
    run_size_ = accel_->run_area_size();

    const std::vector<kvm_cpuid_entry2> entries = build_cpuid();
    for (const auto& e : entries)
        if (e.function == 1) {
            cpuid_version_ = e.eax;
            has_xsave_ = e.ecx & kEcxXsave;
        }
    Flex<kvm_cpuid_entry2> cpuid(entries.size());
    std::copy(entries.begin(), entries.end(), cpuid.entries());
    if (::ioctl(vcpu, kSetCpuid2, cpuid.header()) < 0) throw_errno("KVM_SET_CPUID2");

    if (accel_->irqchip()) {
        kvm_lapic_state lapic{};
        if (::ioctl(vcpu, KVM_GET_LAPIC, &lapic) < 0) throw_errno("KVM_GET_LAPIC");
        lapic_reset_ = lapic;  // KVM's reset state: APIC id, version, LINT0 ExtINT on the BSP
    }
    reset();
}

void X86KvmCpu::do_unrealize() {
    if (run_) ::munmap(run_, run_size_);
    run_ = nullptr;
    fd_.reset();
}

// ---- CPUID ---------------------------------------------------------------------------------------

std::vector<kvm_cpuid_entry2> X86KvmCpu::build_cpuid() const {
    std::vector<kvm_cpuid_entry2> entries = accel_->supported_cpuid();
    const unsigned cpus = std::max(1u, accel_->board().config().smp_cpus);
    unsigned core_bits = 0;  // APIC id bits of the core level: one socket, `cpus` cores
    while ((1u << core_bits) < cpus) ++core_bits;
    const std::uint32_t apic_id = index();

    kvm_cpuid_entry2* leaf0 = find_leaf(entries, 0);
    kvm_cpuid_entry2* ext0 = find_leaf(entries, 0x80000000);
    const std::uint32_t vendor = leaf0 ? leaf0->ebx : 0;
    const bool intel = vendor == kVendorIntel;
    const bool amd = vendor == kVendorAmd || vendor == kVendorHygon;
    std::uint32_t max_basic = leaf0 ? leaf0->eax : 1;
    std::uint32_t max_ext = ext0 ? ext0->eax : 0x80000000;

    if (model_ == Model::Qemu64) {
        max_basic = std::min<std::uint32_t>(max_basic, 0xd);
        max_ext = std::min<std::uint32_t>(max_ext, 0x80000008);
        if (leaf0) leaf0->eax = max_basic;
        if (ext0) ext0->eax = max_ext;
        std::uint32_t leaf1_edx = 0;
        if (auto* l1 = find_leaf(entries, 1)) {
            l1->ecx &= kEcxSse3 | kEcxCx16 | (accel_->irqchip() ? kEcxX2apic : 0);
            l1->edx &= kQemu64Edx;
            leaf1_edx = l1->edx;
        }
        for (auto& e : entries) {
            if (e.function == 7 || e.function == 0xa) e.eax = e.ebx = e.ecx = e.edx = 0;  // no extended features, no PMU
            if (e.function == 0x80000001) {
                e.edx &= kExtEdxSyscall | kExtEdxNx | kExtEdxLm;
                if (amd) e.edx |= leaf1_edx & kAmdEdxAliases;
                e.ecx &= kExtEcxLahf;
            }
        }
        std::erase_if(entries, [](const kvm_cpuid_entry2& e) { return e.function == 0xd; });  // no XSAVE
        char brand[48] = {};
        std::memcpy(brand, kQemu64Brand, sizeof kQemu64Brand);
        for (std::uint32_t i = 0; i < 3; ++i)
            if (auto* e = find_leaf(entries, 0x80000002 + i)) {
                std::memcpy(&e->eax, brand + 16 * i, 4);
                std::memcpy(&e->ebx, brand + 16 * i + 4, 4);
                std::memcpy(&e->ecx, brand + 16 * i + 8, 4);
                std::memcpy(&e->edx, brand + 16 * i + 12, 4);
            }
    }

    // Leaves beyond the maxima, and the topology leaves rebuilt below, go.
    std::erase_if(entries, [&](const kvm_cpuid_entry2& e) {
        const std::uint32_t f = e.function;
        if (f > max_basic && f < 0x40000000) return true;
        if (f >= 0x80000000 && f > max_ext) return true;
        if (f == 0xb || f == 0x1f) return true;
        return amd && (f == 0x8000001d || f == 0x8000001e || f == 0x80000026);
    });

    if (auto* l1 = find_leaf(entries, 1)) {
        const std::uint32_t logical = std::min(255u, 1u << core_bits);
        l1->ebx = (apic_id << 24) | (logical << 16) | (8u << 8);  // CLFLUSH line: 8 quadwords
        l1->ecx |= kEcxHypervisor;
        l1->edx = cpus > 1 ? l1->edx | kEdxHtt : l1->edx & ~kEdxHtt;
    }
    if (intel)
        for (auto& e : entries)
            if (e.function == 4 && (e.eax & 0x1f) != 0) {
                const std::uint32_t level = (e.eax >> 5) & 7;
                const std::uint32_t sharing = level >= 3 ? (1u << core_bits) : 1u;
                e.eax = (e.eax & 0x3fff) | ((sharing - 1) << 14) | (((1u << core_bits) - 1) << 26);
            }
    if (max_basic >= 0xb) {
        // Extended topology: level 0 SMT (1 thread), level 1 core (cpus), then the end.
        const std::uint32_t levels[3][4] = {{0, 1, (1u << 8) | 0, apic_id},
                                            {core_bits, cpus, (2u << 8) | 1, apic_id},
                                            {0, 0, 2, apic_id}};
        for (std::uint32_t i = 0; i < 3; ++i) {
            kvm_cpuid_entry2 e{};
            e.function = 0xb;
            e.index = i;
            e.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
            e.eax = levels[i][0];
            e.ebx = levels[i][1];
            e.ecx = levels[i][2];
            e.edx = levels[i][3];
            entries.push_back(e);
        }
    }
    if (amd) {
        if (auto* e = find_leaf(entries, 0x80000001)) {
            e->ecx &= ~kExtEcxTopoext;
            e->ecx = cpus > 1 ? e->ecx | kExtEcxCmpLegacy : e->ecx & ~kExtEcxCmpLegacy;
        }
        if (auto* e = find_leaf(entries, 0x80000008)) e->ecx = (core_bits << 12) | (cpus - 1);
    }
    return entries;
}

// ---- Reset -------------------------------------------------------------------------------------

void X86KvmCpu::reset() {
    {
        std::lock_guard lock(reset_mutex_);
        pending_reset_ = ResetRequest{boot_state(), boot_mode_};
    }
    if (index() == 0 && accel_) accel_->reset_irqchip();
    kick();
}

bool X86KvmCpu::load_pending_reset() {
    std::optional<ResetRequest> request;
    {
        std::lock_guard lock(reset_mutex_);
        request.swap(pending_reset_);
    }
    if (!request) return true;
    if (io_pending_) complete_io();
    if (std::string error = load_reset_state(*request); !error.empty()) {
        accel_->fatal(error);
        return false;
    }
    return true;
}

bool X86KvmCpu::prepare() {
    if (!load_pending_reset()) return false;
    if (std::string error = accel_->sync_slots(); !error.empty()) {
        accel_->fatal(error);
        return false;
    }
    return true;
}

std::string X86KvmCpu::load_reset_state(const ResetRequest& request) {
    const int fd = fd_.get();
    const bool bsp = index() == 0;
    auto failed = [this](const char* what) {
        return std::string("emu: kvm: cannot reset vCPU ") + std::to_string(index()) + " (" + what +
               "): " + std::strerror(errno);
    };

    kvm_regs regs{};
    regs.rflags = 0x2;
    kvm_sregs sregs{};
    const kvm_segment real_data = segment(0, 0, 0xffff, 0x3, true, false);
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = real_data;
    sregs.ldt = segment(0, 0, 0xffff, 0x2, false, false);
    sregs.tr = segment(0, 0, 0xffff, 0xb, false, false);
    sregs.gdt.limit = 0xffff;
    sregs.idt.limit = 0xffff;
    sregs.apic_base = kApicBase | kApicBaseEnable | (bsp ? kApicBaseBsp : 0);
    if (!request.boot) {
        // Hardware reset: the firmware's reset vector, EDX = family/model/stepping.
        sregs.cs = segment(0xf000, 0xffff0000, 0xffff, 0xb, true, false);
        sregs.cr0 = kCr0Reset;
        regs.rip = 0xfff0;
        regs.rdx = cpuid_version_;
    } else {
        const std::uint64_t entry = request.boot->entry;
        if (request.mode == BootMode::Real) {
            const std::uint64_t base = entry & ~std::uint64_t{0xffff};
            sregs.cs = segment(static_cast<std::uint16_t>((entry >> 4) & 0xf000), base, 0xffff, 0xb, true, false);
            sregs.cr0 = kCr0Et;
            regs.rip = entry & 0xffff;
        } else {
            sregs.cs = segment(0x10, 0, 0xffffffff, 0xb, true, true);
            sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = segment(0x18, 0, 0xffffffff, 0x3, true, true);
            sregs.tr = segment(0, 0, 0x67, 0xb, false, false);
            sregs.cr0 = kCr0Pe | kCr0Et;
            regs.rip = entry & 0xffffffff;
        }
        __u64* const order[] = {&regs.rax, &regs.rcx, &regs.rdx, &regs.rbx,
                                        &regs.rsp, &regs.rbp, &regs.rsi, &regs.rdi};
        for (std::size_t i = 0; i < request.boot->args.size() && i < std::size(order); ++i)
            *order[i] = request.boot->args[i];
    }

    // QEMU's order: registers, FPU, XCRs, special registers, MSRs, MP state, local APIC, events,
    // debug registers.
    if (::ioctl(fd, KVM_SET_REGS, &regs) < 0) return failed("KVM_SET_REGS");
    kvm_fpu fpu{};
    fpu.fcw = 0x37f;
    fpu.mxcsr = 0x1f80;
    if (::ioctl(fd, KVM_SET_FPU, &fpu) < 0) return failed("KVM_SET_FPU");
    if (accel_->has_xcrs() && has_xsave_) {
        kvm_xcrs xcrs{};
        xcrs.nr_xcrs = 1;
        xcrs.xcrs[0].xcr = 0;
        xcrs.xcrs[0].value = 1;  // x87 only
        ::ioctl(fd, KVM_SET_XCRS, &xcrs);
    }
    if (::ioctl(fd, KVM_SET_SREGS, &sregs) < 0) return failed("KVM_SET_SREGS");

    // MSRs a reset clears, one at a time: KVM refuses the ones this CPU lacks, which is fine.
    static constexpr std::pair<std::uint32_t, std::uint64_t> kResetMsrs[] = {
        {0x174, 0},                      // SYSENTER_CS, _ESP, _EIP
        {0x175, 0},
        {0x176, 0},
        {0x277, 0x0007040600070406ull},  // PAT
        {0x1a0, 1},                      // MISC_ENABLE: fast strings
        {0xc0000081, 0},                 // STAR, LSTAR, CSTAR, FMASK, KERNEL_GS_BASE
        {0xc0000082, 0},
        {0xc0000083, 0},
        {0xc0000084, 0},
        {0xc0000102, 0},
        {0x11, 0},                       // kvmclock (old and new), async PF, steal time, PV EOI:
        {0x12, 0},                       // a rebooted guest must not get writes to old addresses
        {0x4b564d00, 0},
        {0x4b564d01, 0},
        {0x4b564d02, 0},
        {0x4b564d03, 0},
        {0x4b564d04, 0},
    };
    for (auto [msr, value] : kResetMsrs) {
        Flex<kvm_msr_entry> msrs(1);
        msrs.entries()[0].index = msr;
        msrs.entries()[0].data = value;
        ::ioctl(fd, kSetMsrs, msrs.header());
    }

    if (accel_->irqchip()) {
        // Application processors wait for INIT/SIPI, unless the board gave them a boot state.
        kvm_mp_state mp{};
        mp.mp_state = bsp || request.boot ? KVM_MP_STATE_RUNNABLE : KVM_MP_STATE_UNINITIALIZED;
        if (::ioctl(fd, KVM_SET_MP_STATE, &mp) < 0) return failed("KVM_SET_MP_STATE");
        if (lapic_reset_) {
            kvm_lapic_state lapic = *lapic_reset_;
            if (::ioctl(fd, KVM_SET_LAPIC, &lapic) < 0) return failed("KVM_SET_LAPIC");
        }
    }
    kvm_vcpu_events events{};
    events.flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SIPI_VECTOR;
    ::ioctl(fd, KVM_SET_VCPU_EVENTS, &events);
    kvm_debugregs debug{};
    debug.dr6 = 0xffff0ff0;
    debug.dr7 = 0x400;
    ::ioctl(fd, KVM_SET_DEBUGREGS, &debug);
    return {};
}

// ---- Running -------------------------------------------------------------------------------------

void X86KvmCpu::complete_io() {
    std::atomic_ref<std::uint8_t>(run_->immediate_exit).store(1);
    ::ioctl(fd_.get(), KVM_RUN, 0);  // finishes the access, then returns EINTR
    io_pending_ = false;
}

X86KvmCpu::Exit X86KvmCpu::enter() {
    io_pending_ = false;
    if (::ioctl(fd_.get(), KVM_RUN, 0) < 0) {
        if (errno == EINTR || errno == EAGAIN) return Exit::Again;  // kicked; or an AP got SIPI
        const int error = errno;
        accel_->fatal("emu: kvm: KVM_RUN failed on CPU " + std::to_string(index()) + ": " + std::strerror(error) +
                      " at " + location());
        return Exit::Stopped;
    }
    switch (run_->exit_reason) {
    case KVM_EXIT_IO:
        handle_io();
        io_pending_ = true;
        return Exit::Again;
    case KVM_EXIT_MMIO:
        handle_mmio();
        io_pending_ = true;
        return Exit::Again;
    case KVM_EXIT_HLT:  // only without the in-kernel irqchip
        return Exit::Halted;
    case KVM_EXIT_INTR:
    case KVM_EXIT_IRQ_WINDOW_OPEN:
        return Exit::Again;
    case KVM_EXIT_SHUTDOWN:  // triple fault: a PC resets
        accel_->board().request_reset();
        return Exit::Stopped;
    case KVM_EXIT_SYSTEM_EVENT:
        switch (run_->system_event.type) {
        case KVM_SYSTEM_EVENT_SHUTDOWN:
            accel_->board().request_shutdown(0);
            return Exit::Stopped;
        case KVM_SYSTEM_EVENT_RESET:
            accel_->board().request_reset();
            return Exit::Stopped;
        default:
            accel_->fatal("emu: kvm: the guest crashed (system event " + std::to_string(run_->system_event.type) +
                          ") at " + location());
            return Exit::Stopped;
        }
    case KVM_EXIT_INTERNAL_ERROR:
        return handle_internal_error();
    case KVM_EXIT_FAIL_ENTRY:
        accel_->fatal("emu: kvm: VM entry failed (hardware reason " +
                      hex(run_->fail_entry.hardware_entry_failure_reason) + ") at " + location());
        return Exit::Stopped;
    default:
        accel_->fatal("emu: kvm: unexpected exit reason " + std::to_string(run_->exit_reason) + " at " + location());
        return Exit::Stopped;
    }
}

// Port I/O: count accesses of size bytes at one port (more than one for a string instruction),
// their data in the run area.
void X86KvmCpu::handle_io() {
    const auto& io = run_->io;
    const std::size_t bytes = std::size_t{io.size} * io.count;
    if ((io.size != 1 && io.size != 2 && io.size != 4) || io.data_offset > run_size_ || bytes > run_size_ - io.data_offset)
        return;
    std::uint8_t* data = reinterpret_cast<std::uint8_t*>(run_) + io.data_offset;
    AddressSpace* space = accel_->board().io_space();
    BigLockGuard lock;
    for (std::uint32_t i = 0; i < io.count; ++i, data += io.size) {
        if (io.direction == KVM_EXIT_IO_OUT) {
            std::uint64_t value = 0;
            std::memcpy(&value, data, io.size);
            if (space) (void)space->write_value(io.port, io.size, value);
        } else {
            std::uint64_t value = ~std::uint64_t{0};
            if (!space || space->read_value(io.port, io.size, value) != MemResult::Ok) value = ~std::uint64_t{0};
            std::memcpy(data, &value, io.size);
        }
    }
}

// An access KVM could not do itself: nothing (or MMIO) is mapped there, or a write to ROM.
void X86KvmCpu::handle_mmio() {
    auto& mmio = run_->mmio;
    AddressSpace* space = accel_->board().system_memory();
    const unsigned len = std::min<unsigned>(mmio.len, sizeof mmio.data);
    const bool natural = len == 1 || len == 2 || len == 4 || len == 8;
    if (mmio.is_write) {
        if (!space) return;
        if (natural) {
            std::uint64_t value = 0;
            std::memcpy(&value, mmio.data, len);
            (void)space->write_value(mmio.phys_addr, len, value);  // a ROM write is dropped here
        } else {
            (void)space->write(mmio.phys_addr, mmio.data, len);
        }
        return;
    }
    std::uint64_t value = 0;
    if (space) {
        if (natural) (void)space->read_value(mmio.phys_addr, len, value);  // unassigned: 0
        else (void)space->read(mmio.phys_addr, &value, len);
    }
    std::memcpy(mmio.data, &value, len);
}

X86KvmCpu::Exit X86KvmCpu::handle_internal_error() {
    const std::uint32_t suberror = run_->internal.suberror;
    if (suberror == KVM_INTERNAL_ERROR_EMULATION) {
        const auto& failure = run_->emulation_failure;
        const bool has_bytes =
            failure.ndata >= 3 && (failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES);
        const unsigned count = has_bytes ? std::min<unsigned>(failure.insn_size, sizeof failure.insn_bytes) : 0;
        accel_->fatal("emu: kvm: emulation failure at " + location() +
                      " instruction bytes: " + instruction_bytes(failure.insn_bytes, count));
    } else {
        accel_->fatal("emu: kvm: internal error " + std::to_string(suberror) + " (" + internal_error_name(suberror) +
                      ") at " + location());
    }
    return Exit::Stopped;
}

std::string X86KvmCpu::location() {
    kvm_regs regs{};
    kvm_sregs sregs{};
    if (::ioctl(fd_.get(), KVM_GET_REGS, &regs) < 0 || ::ioctl(fd_.get(), KVM_GET_SREGS, &sregs) < 0)
        return "RIP=unknown";
    return "RIP=" + hex(regs.rip) + " (CS base " + hex(sregs.cs.base) + ")";
}

// The bytes at CS.base + RIP read from guest RAM when paging is off (the address is physical);
// otherwise the ones KVM's emulator fetched, if it says.
std::string X86KvmCpu::instruction_bytes(const std::uint8_t* kvm_bytes, unsigned kvm_count) {
    auto format = [](const std::uint8_t* bytes, unsigned count) {
        std::string text;
        for (unsigned i = 0; i < count; ++i) {
            char byte[4];
            std::snprintf(byte, sizeof byte, "%02x", bytes[i]);
            text += (i ? " " : "") + std::string(byte);
        }
        return text;
    };
    kvm_regs regs{};
    kvm_sregs sregs{};
    const bool have_state =
        ::ioctl(fd_.get(), KVM_GET_REGS, &regs) == 0 && ::ioctl(fd_.get(), KVM_GET_SREGS, &sregs) == 0;
    const bool paging = have_state && (sregs.cr0 & kCr0Pg);
    if (have_state && !paging) {
        Addr address = sregs.cs.base + regs.rip;
        if (!(sregs.efer & kEferLma)) address &= 0xffffffff;
        std::uint8_t bytes[15];
        unsigned count = 0;
        if (AddressSpace* space = accel_->board().system_memory())
            while (count < sizeof bytes) {
                const AddressSpace::RamSpan span = space->ram_span(address + count);
                if (!span.host || span.length == 0) break;
                const unsigned n = static_cast<unsigned>(std::min<Addr>(span.length, sizeof bytes - count));
                std::memcpy(bytes + count, span.host, n);
                count += n;
            }
        if (count) return format(bytes, count);
    }
    if (kvm_count) return format(kvm_bytes, kvm_count);
    return paging ? "unknown (paging on)" : "unknown (not in RAM)";
}

// ---- Types ---------------------------------------------------------------------------------------

void register_cpu_types(TypeBatch& types) {
    // The abstract base "x86-cpu" is the core's (the software CPU's models share it).
    types.add({.name = "host",
               .parent = "x86-cpu",
               .description = "the host's CPU: every feature KVM supports (kvm only)",
               .factory = [] { return std::unique_ptr<Object>(new X86KvmCpu(X86KvmCpu::Model::Host)); },
               .class_init = class_init_of<X86KvmCpu>(&X86KvmCpu::class_init)});
    types.add({.name = "qemu64",
               .parent = "x86-cpu",
               .description = "QEMU's generic 64-bit CPU: SSE2, NX, long mode, little else "
                              "(kvm; under tcg, -cpu qemu64 is qemu64-tcg)",
               .factory = [] { return std::unique_ptr<Object>(new X86KvmCpu(X86KvmCpu::Model::Qemu64)); },
               .class_init = class_init_of<X86KvmCpu>(&X86KvmCpu::class_init)});
}

}  // namespace emu::kvm
