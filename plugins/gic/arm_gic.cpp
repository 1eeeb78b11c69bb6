// ARM Generic Interrupt Controller, architecture version 2 (GICv2: the Cortex-A15's GIC-400
// distributor and CPU interface), without the Security and Virtualization Extensions.
//
// Type "arm_gic". Properties:
//   num-cpu   1..8, default 1: CPU interfaces (and banked SGI/PPI sets)
//   num-irq   interrupt IDs including the 32 private ones: a multiple of 32 from 32 to 992, or
//             1020 (IDs 1020-1023 are reserved); default 288 (256 SPIs, as QEMU's virt)
//   revision  2 (the only architecture version implemented)
//
// ---- Wiring, for boards ----------------------------------------------------------------------
// Memory regions (mmio(n), valid after realize):
//   mmio(0)  distributor, GICD_*, 4 KiB       (virt: 0x08000000, vexpress-a15: 0x2c001000)
//   mmio(1)  CPU interface, GICC_*, 8 KiB     (virt: 0x08010000, vexpress-a15: 0x2c002000)
//            GICC_DIR is at 0x1000, so map at least 8 KiB of the board's window.
// Banked registers (the CPU interface, and the distributor's SGI/PPI words) use the CPU of the
// accessing thread, emu::current_cpu_index(); a thread that is not a CPU (-1) sees CPU 0.
//
// Inputs (gpio_in, valid after realize):
//   ""     lines 0 .. num-irq-33: shared peripheral interrupt n, i.e. interrupt ID 32+n
//          (the device tree's <GIC_SPI n ...>).
//   "ppi"  lines cpu*32 + n, cpu 0..num-cpu-1, n 0..31: private interrupt ID n of that CPU.
//          PPIs are n = 16..31; the device tree's <GIC_PPI p ...> is n = 16 + p. Lines with
//          n < 16 exist but are ignored (SGIs are raised by software through GICD_SGIR).
//          Cortex-A15 generic timer: hypervisor PPI 10 -> n 26, virtual PPI 11 -> n 27,
//          secure physical PPI 13 -> n 29, non-secure physical PPI 14 -> n 30;
//          virtual maintenance PPI 9 -> n 25.
// Outputs (connect_gpio_out):
//   "irq"  lines 0 .. num-cpu-1: to each CPU's IRQ input
//   "fiq"  lines 0 .. num-cpu-1: to each CPU's FIQ input
//
// ---- Model ------------------------------------------------------------------------------------
// Interrupt groups are implemented as in a GICv2 without the Security Extensions: every access
// is "secure", all interrupts reset to Group 0, GICD_CTLR/GICC_CTLR have EnableGrp0 (bit 0) and
// EnableGrp1 (bit 1). Group 0 interrupts signal FIQ only when GICC_CTLR.FIQEn is set; otherwise
// everything signals IRQ. So a guest that just writes 1 to GICD_CTLR and GICC_CTLR (Linux) gets
// IRQs, as on QEMU. GICC_AIAR/AEOIR/AHPPIR are the Group 1 (non-secure) views.
//
// Pending state follows the architecture: an edge-triggered interrupt latches on a rising edge
// of its input; a level-sensitive one is pending while its input is high (or while a write to
// GICD_ISPENDR holds it). Acknowledging clears the latch: a level interrupt whose input is still
// high becomes active and pending. An active interrupt is not signalled again until it is
// deactivated. SGIs keep one pending bit per source CPU. Priorities have all 8 bits (BPR minimum
// 0, ABPR minimum 1); active priorities are kept in GICC_APRn/NSAPRn (bit i = group priority
// 2*i) and the running priority is the highest of them. EOI drops the running priority and,
// unless GICC_CTLR.EOImode is set, deactivates; GICC_DIR deactivates.
// A uniprocessor GIC (num-cpu 1) has RAZ/WI SPI targets: every SPI goes to CPU 0 (the SGI/PPI
// target bytes still read as 0x01, which is what Linux probes for its CPU mask).
#include <emu/cpu.h>
#include <emu/device.h>
#include <emu/lock.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

using u8 = std::uint8_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr unsigned kMaxCpus = 8;
constexpr unsigned kSpurious = 1023;        // nothing to acknowledge
constexpr unsigned kSpuriousGroup1 = 1022;  // highest is Group 1 and GICC_CTLR.AckCtl is 0
constexpr unsigned kIdlePriority = 0x100;   // running priority with nothing active

// GICD_CTLR
constexpr u32 kDistEnableGrp0 = 1u << 0, kDistEnableGrp1 = 1u << 1;
// GICC_CTLR
constexpr u32 kCpuEnableGrp0 = 1u << 0, kCpuEnableGrp1 = 1u << 1, kCpuAckCtl = 1u << 2,
              kCpuFiqEn = 1u << 3, kCpuCbpr = 1u << 4, kCpuEoiModeS = 1u << 9,
              kCpuEoiModeNs = 1u << 10, kCpuCtlrMask = 0x7ff;

constexpr u32 kDistIidr = 0x0000043b;  // implementer ARM
constexpr u32 kCpuIidr = 0x0002043b;   // architecture version 2, implementer ARM
// GICD_PIDR4..7, PIDR0..3, CIDR0..3 at 0xfd0..0xffc (a GIC-400's values, as QEMU's).
constexpr std::array<u8, 12> kIdRegisters = {0x04, 0x00, 0x00, 0x00, 0x90, 0xb4,
                                             0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

u32 lane_mask(unsigned size) { return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1; }

class ArmGic final : public emu::Device {
public:
    static void class_init(emu::ClassBuilder<ArmGic>& c) {
        c.integer("num-cpu", &ArmGic::num_cpu_, 1u, "number of CPU interfaces").range(1, kMaxCpus);
        c.integer("num-irq", &ArmGic::num_irq_, 288u,
                  "interrupt IDs including the 32 private ones (a multiple of 32, or 1020)")
            .range(32, 1020);
        c.integer("revision", &ArmGic::revision_, 2u, "GIC architecture version (2)").range(1, 4);
    }

    void reset() override {
        if (!dist_) return;  // not realized yet
        reset_state();
        update();
    }

protected:
    void do_realize() override {
        if (revision_ != 2)
            throw emu::Error(display_name() + ": revision " + std::to_string(revision_) +
                             " is not supported (only 2)");
        if (num_irq_ != 1020 && num_irq_ % 32 != 0)
            throw emu::Error(display_name() + ": num-irq " + std::to_string(num_irq_) +
                             " is not a multiple of 32 (or 1020)");
        if (!dist_)
            setup();
        else if (words_ != (num_irq_ + 31) / 32 || irq_out_.size() != num_cpu_)
            throw emu::Error(display_name() + ": num-irq and num-cpu cannot change once it has been realized");
        reset_state();
        update();
    }

private:
    // SGIs and PPIs (IDs 0..31) of one CPU; bit n of each word is ID n.
    struct Banked {
        u32 enabled = 0, latched = 0, active = 0, group = 0, level = 0, edge = 0;
        std::array<u8, 32> priority{};
        std::array<u8, 16> sgi_sources{};  // SGI n: bit s set = pending from CPU s
    };
    struct CpuInterface {
        u32 ctlr = 0, pmr = 0, bpr = 0, abpr = 1;
        std::array<u32, 4> apr{}, nsapr{};  // active priorities: bit i = group priority 2*i
        bool irq_out = false, fiq_out = false;
    };
    struct Candidate {
        unsigned id = kSpurious;
        unsigned source = 0;
        unsigned priority = kIdlePriority;
        bool group1 = false;
    };

    void setup() {
        words_ = (num_irq_ + 31) / 32;
        for (auto* v : {&spi_enabled_, &spi_latched_, &spi_active_, &spi_group_, &spi_level_, &spi_edge_})
            v->assign(words_, 0);
        priority_.assign(num_irq_, 0);
        targets_.assign(num_irq_, 0);
        irq_out_.resize(num_cpu_);
        fiq_out_.resize(num_cpu_);

        dist_ = emu::MemoryRegion::mmio(
            "gic-distributor", 0x1000,
            {.read = [this](emu::Addr offset, unsigned size) -> u64 { return dist_read(offset, size); },
             .write = [this](emu::Addr offset, u64 value, unsigned size) { dist_write(offset, value, size); },
             .valid_min = 1, .valid_max = 4, .impl_min = 1, .impl_max = 4});
        cpuif_ = emu::MemoryRegion::mmio(
            "gic-cpu-interface", 0x2000,
            {.read = [this](emu::Addr offset, unsigned) -> u64 { return cpu_read(offset); },
             .write = [this](emu::Addr offset, u64 value, unsigned) { cpu_write(offset, static_cast<u32>(value)); },
             .valid_min = 4, .valid_max = 4, .impl_min = 4, .impl_max = 4});
        init_mmio(*dist_);
        init_mmio(*cpuif_);

        init_gpio_in("", num_irq_ - 32, [this](unsigned n, bool level) {
            emu::BigLockGuard lock;
            set_spi_input(32 + n, level);
        });
        init_gpio_in("ppi", num_cpu_ * 32, [this](unsigned n, bool level) {
            emu::BigLockGuard lock;
            set_ppi_input(n / 32, n % 32, level);
        });
        init_gpio_out("irq", &irq_out_);
        init_gpio_out("fiq", &fiq_out_);
    }

    void reset_state() {
        dist_ctlr_ = 0;
        for (unsigned w = 0; w < words_; ++w)
            spi_enabled_[w] = spi_latched_[w] = spi_active_[w] = spi_group_[w] = spi_edge_[w] = 0;
        std::fill(priority_.begin(), priority_.end(), u8{0});
        std::fill(targets_.begin(), targets_.end(), u8{0});
        for (Banked& b : bank_) {
            const u32 level = b.level;  // the input wires keep their state
            b = Banked{};
            b.level = level;
            b.edge = 0x0000ffff;  // SGIs are edge-triggered
        }
        for (CpuInterface& ci : cpus_) {
            const bool irq = ci.irq_out, fiq = ci.fiq_out;
            ci = CpuInterface{};
            ci.irq_out = irq;
            ci.fiq_out = fiq;
        }
    }

    // ---- Helpers ------------------------------------------------------------------------------

    unsigned current_cpu() const {
        const int c = emu::current_cpu_index();
        return c < 0 || static_cast<unsigned>(c) >= num_cpu_ ? 0 : static_cast<unsigned>(c);
    }
    u32 cpu_mask() const { return (1u << num_cpu_) - 1; }
    // Valid ID bits of bitmap word w.
    u32 valid_bits(unsigned w) const {
        if (w >= words_) return 0;
        const unsigned top = num_irq_ - 32 * w;
        return top >= 32 ? 0xffffffffu : (1u << top) - 1;
    }
    u32 pending_word(unsigned c, unsigned w) const {
        if (w == 0) {
            const Banked& b = bank_[c];
            u32 v = (b.latched | (b.level & ~b.edge)) & 0xffff0000u;
            for (unsigned i = 0; i < 16; ++i)
                if (b.sgi_sources[i]) v |= 1u << i;
            return v;
        }
        return spi_latched_[w] | (spi_level_[w] & ~spi_edge_[w]);
    }
    bool in_group1(unsigned c, unsigned id) const {
        const u32 word = id < 32 ? bank_[c].group : spi_group_[id / 32];
        return (word >> (id % 32)) & 1;
    }
    u8 priority_of(unsigned c, unsigned id) const { return id < 32 ? bank_[c].priority[id] : priority_[id]; }
    u32 targets_of(unsigned id) const { return num_cpu_ == 1 ? 1u : targets_[id]; }

    unsigned group_priority(unsigned c, unsigned priority, bool group1) const {
        const CpuInterface& ci = cpus_[c];
        const unsigned bp = group1 && !(ci.ctlr & kCpuCbpr) ? ci.abpr - 1 : ci.bpr;
        return priority & (0xffu << (bp + 1)) & 0xffu;
    }
    unsigned running_priority(unsigned c) const {
        const CpuInterface& ci = cpus_[c];
        for (unsigned i = 0; i < 4; ++i)
            if (u32 a = ci.apr[i] | ci.nsapr[i]) return (i * 32 + static_cast<unsigned>(std::countr_zero(a))) << 1;
        return kIdlePriority;
    }

    // The highest priority interrupt that is enabled, pending, not active, targets CPU c and
    // whose group is enabled in both the distributor and c's interface. Ties: lowest ID.
    Candidate best_pending(unsigned c) const {
        Candidate best;
        const u32 cctlr = cpus_[c].ctlr;
        const bool g0 = (dist_ctlr_ & kDistEnableGrp0) && (cctlr & kCpuEnableGrp0);
        const bool g1 = (dist_ctlr_ & kDistEnableGrp1) && (cctlr & kCpuEnableGrp1);
        if (!g0 && !g1) return best;
        auto allowed = [&](u32 group) { return (g0 ? ~group : 0u) | (g1 ? group : 0u); };
        const Banked& b = bank_[c];
        for (u32 cand = b.enabled & pending_word(c, 0) & ~b.active & allowed(b.group); cand; cand &= cand - 1) {
            const unsigned id = static_cast<unsigned>(std::countr_zero(cand));
            if (b.priority[id] < best.priority) {
                best = {id, id < 16 ? static_cast<unsigned>(std::countr_zero(b.sgi_sources[id])) : 0u,
                        b.priority[id], ((b.group >> id) & 1) != 0};
            }
        }
        for (unsigned w = 1; w < words_; ++w) {
            for (u32 cand = spi_enabled_[w] & pending_word(c, w) & ~spi_active_[w] & allowed(spi_group_[w]);
                 cand; cand &= cand - 1) {
                const unsigned bit = static_cast<unsigned>(std::countr_zero(cand));
                const unsigned id = 32 * w + bit;
                if (!((targets_of(id) >> c) & 1)) continue;
                if (priority_[id] < best.priority)
                    best = {id, 0, priority_[id], ((spi_group_[w] >> bit) & 1) != 0};
            }
        }
        return best;
    }

    bool can_signal(unsigned c, const Candidate& cand) const {
        return cand.id != kSpurious && cand.priority < cpus_[c].pmr &&
               group_priority(c, cand.priority, cand.group1) < running_priority(c);
    }

    // Recompute every CPU's IRQ and FIQ outputs; raise or lower the lines that changed.
    void update() {
        for (unsigned c = 0; c < num_cpu_; ++c) {
            CpuInterface& ci = cpus_[c];
            const Candidate cand = best_pending(c);
            const bool signal = can_signal(c, cand);
            const bool fiq = signal && !cand.group1 && (ci.ctlr & kCpuFiqEn);
            const bool irq = signal && !fiq;
            if (irq != ci.irq_out) {
                ci.irq_out = irq;
                irq_out_[c].set(irq);
            }
            if (fiq != ci.fiq_out) {
                ci.fiq_out = fiq;
                fiq_out_[c].set(fiq);
            }
        }
    }

    // ---- Inputs -------------------------------------------------------------------------------

    void set_spi_input(unsigned id, bool level) {
        const unsigned w = id / 32;
        const u32 bit = 1u << (id % 32);
        const bool old = spi_level_[w] & bit;
        if (old == level) return;
        if (level) {
            spi_level_[w] |= bit;
            if (spi_edge_[w] & bit) spi_latched_[w] |= bit;
        } else {
            spi_level_[w] &= ~bit;
        }
        update();
    }

    void set_ppi_input(unsigned c, unsigned n, bool level) {
        if (n < 16 || c >= num_cpu_) return;
        Banked& b = bank_[c];
        const u32 bit = 1u << n;
        const bool old = b.level & bit;
        if (old == level) return;
        if (level) {
            b.level |= bit;
            if (b.edge & bit) b.latched |= bit;
        } else {
            b.level &= ~bit;
        }
        update();
    }

    // ---- Distributor --------------------------------------------------------------------------

    u64 dist_read(emu::Addr offset, unsigned size) {
        const unsigned shift = 8 * static_cast<unsigned>(offset & 3);
        return (dist_read_word(static_cast<unsigned>(offset & ~emu::Addr{3}), current_cpu()) >> shift) &
               lane_mask(size);
    }

    void dist_write(emu::Addr offset, u64 value, unsigned size) {
        const unsigned shift = 8 * static_cast<unsigned>(offset & 3);
        const u32 mask = lane_mask(size) << shift;
        dist_write_word(static_cast<unsigned>(offset & ~emu::Addr{3}), (static_cast<u32>(value) << shift) & mask,
                        mask, current_cpu());
        update();
    }

    u32 dist_read_word(unsigned off, unsigned c) const {
        const Banked& b = bank_[c];
        auto bitmap = [&](unsigned base, u32 Banked::*banked, const std::vector<u32>& spi) -> u32 {
            const unsigned w = (off - base) / 4;
            if (w >= words_) return 0;
            return w == 0 ? b.*banked : spi[w];
        };
        auto bytes = [&](auto byte_of) {
            u32 v = 0;
            for (unsigned i = 0; i < 4; ++i) v |= static_cast<u32>(byte_of(i)) << (8 * i);
            return v;
        };
        if (off == 0x000) return dist_ctlr_;
        if (off == 0x004) return ((words_ - 1) & 0x1f) | ((num_cpu_ - 1) << 5);
        if (off == 0x008) return kDistIidr;
        if (off >= 0x080 && off < 0x100) return bitmap(0x080, &Banked::group, spi_group_);
        if (off >= 0x100 && off < 0x180) return bitmap(0x100, &Banked::enabled, spi_enabled_);
        if (off >= 0x180 && off < 0x200) return bitmap(0x180, &Banked::enabled, spi_enabled_);
        if (off >= 0x200 && off < 0x300) {
            const unsigned w = (off & 0x7f) / 4;
            return w < words_ ? pending_word(c, w) : 0;
        }
        if (off >= 0x300 && off < 0x380) return bitmap(0x300, &Banked::active, spi_active_);
        if (off >= 0x380 && off < 0x400) return bitmap(0x380, &Banked::active, spi_active_);
        if (off >= 0x400 && off < 0x800) {
            return bytes([&](unsigned i) -> u8 {
                const unsigned id = off - 0x400 + i;
                return id < num_irq_ ? priority_of(c, id) : 0;
            });
        }
        if (off >= 0x800 && off < 0xc00) {
            return bytes([&](unsigned i) -> u8 {
                const unsigned id = off - 0x800 + i;
                if (id >= num_irq_) return 0;
                if (id < 32) return static_cast<u8>(1u << c);
                return num_cpu_ == 1 ? 0 : targets_[id];
            });
        }
        if (off >= 0xc00 && off < 0xd00) {
            const unsigned r = (off - 0xc00) / 4;
            if (r == 0) return 0xaaaaaaaau;  // SGIs: edge-triggered, read-only
            const unsigned first = 16 * r;
            if (first >= num_irq_) return 0;
            const u32 edges = (r == 1 ? b.edge : spi_edge_[first / 32]) >> (first % 32);
            u32 v = 0;
            for (unsigned i = 0; i < 16; ++i)
                if ((edges >> i) & 1) v |= 2u << (2 * i);
            return v;
        }
        if (off >= 0xf10 && off < 0xf30) {
            return bytes([&](unsigned i) -> u8 { return b.sgi_sources[(off & 0xf) + i]; });
        }
        if (off >= 0xfd0) return kIdRegisters[(off - 0xfd0) / 4];
        return 0;  // SGIR (write-only), NSACR, implementation-defined and reserved space
    }

    void dist_write_word(unsigned off, u32 value, u32 mask, unsigned c) {
        Banked& b = bank_[c];
        auto word = [&](unsigned base, u32 Banked::*banked, std::vector<u32>& spi) -> u32* {
            const unsigned w = (off - base) / 4;
            if (w >= words_) return nullptr;
            return w == 0 ? &(b.*banked) : &spi[w];
        };
        auto each_byte = [&](auto fn) {
            for (unsigned i = 0; i < 4; ++i)
                if ((mask >> (8 * i)) & 0xff) fn(i, static_cast<u8>(value >> (8 * i)));
        };
        const unsigned w = (off & 0x7f) / 4;
        const u32 valid = valid_bits(w);
        if (off == 0x000) {
            dist_ctlr_ = ((dist_ctlr_ & ~mask) | value) & (kDistEnableGrp0 | kDistEnableGrp1);
        } else if (off >= 0x080 && off < 0x100) {
            if (u32* p = word(0x080, &Banked::group, spi_group_)) *p = ((*p & ~mask) | value) & valid;
        } else if (off >= 0x100 && off < 0x180) {
            if (u32* p = word(0x100, &Banked::enabled, spi_enabled_)) *p |= value & valid;
        } else if (off >= 0x180 && off < 0x200) {
            if (u32* p = word(0x180, &Banked::enabled, spi_enabled_)) *p &= ~value;
        } else if (off >= 0x200 && off < 0x280) {
            // SGI bits are write-ignored here: GICD_SPENDSGIRn sets SGIs pending.
            if (u32* p = word(0x200, &Banked::latched, spi_latched_)) *p |= value & valid & (w == 0 ? 0xffff0000u : ~0u);
        } else if (off >= 0x280 && off < 0x300) {
            if (u32* p = word(0x280, &Banked::latched, spi_latched_)) *p &= ~(value & (w == 0 ? 0xffff0000u : ~0u));
        } else if (off >= 0x300 && off < 0x380) {
            if (u32* p = word(0x300, &Banked::active, spi_active_)) *p |= value & valid;
        } else if (off >= 0x380 && off < 0x400) {
            if (u32* p = word(0x380, &Banked::active, spi_active_)) *p &= ~value;
        } else if (off >= 0x400 && off < 0x800) {
            each_byte([&](unsigned i, u8 v) {
                const unsigned id = off - 0x400 + i;
                if (id < 32) b.priority[id] = v;
                else if (id < num_irq_) priority_[id] = v;
            });
        } else if (off >= 0x800 && off < 0xc00) {
            if (num_cpu_ == 1) return;  // uniprocessor: RAZ/WI
            each_byte([&](unsigned i, u8 v) {
                const unsigned id = off - 0x800 + i;
                if (id >= 32 && id < num_irq_) targets_[id] = static_cast<u8>(v & cpu_mask());
            });
        } else if (off >= 0xc00 && off < 0xd00) {
            const unsigned r = (off - 0xc00) / 4;
            const unsigned first = 16 * r;
            if (r == 0 || first >= num_irq_) return;
            u32& edges = r == 1 ? b.edge : spi_edge_[first / 32];
            for (unsigned i = 0; i < 16; ++i) {
                const unsigned field_bit = 2 * i + 1;
                if (!((mask >> field_bit) & 1) || first + i >= num_irq_) continue;
                const u32 bit = 1u << ((first + i) % 32);
                edges = (value >> field_bit) & 1 ? edges | bit : edges & ~bit;
            }
        } else if (off == 0xf00) {
            if (mask == 0xffffffffu) software_interrupt(value, c);
        } else if (off >= 0xf10 && off < 0xf30) {
            const bool set = off >= 0xf20;
            each_byte([&](unsigned i, u8 v) {
                u8& sources = b.sgi_sources[(off & 0xf) + i];
                sources = static_cast<u8>(set ? sources | (v & cpu_mask()) : sources & ~v);
            });
        }
    }

    // GICD_SGIR: SGI v[3:0] from CPU c to the CPUs the target list filter v[25:24] picks.
    void software_interrupt(u32 value, unsigned c) {
        const unsigned sgi = value & 0xf;
        u32 targets = 0;
        switch ((value >> 24) & 3) {
        case 0: targets = (value >> 16) & 0xff; break;     // the CPU target list
        case 1: targets = cpu_mask() & ~(1u << c); break;  // all but the requester
        case 2: targets = 1u << c; break;                  // the requester only
        default: return;                                   // reserved
        }
        targets &= cpu_mask();
        for (unsigned t = 0; t < num_cpu_; ++t)
            if ((targets >> t) & 1) bank_[t].sgi_sources[sgi] = static_cast<u8>(bank_[t].sgi_sources[sgi] | (1u << c));
    }

    // ---- CPU interface ------------------------------------------------------------------------

    u64 cpu_read(emu::Addr offset) {
        const unsigned c = current_cpu();
        CpuInterface& ci = cpus_[c];
        switch (offset) {
        case 0x00: return ci.ctlr;
        case 0x04: return ci.pmr;
        case 0x08: return ci.bpr;
        case 0x0c: return acknowledge(c, false);
        case 0x14: return std::min(running_priority(c), 0xffu);
        case 0x18: return highest_pending_id(c, false);
        case 0x1c: return ci.abpr;
        case 0x20: return acknowledge(c, true);
        case 0x28: return highest_pending_id(c, true);
        case 0xfc: return kCpuIidr;
        default: break;
        }
        if (offset >= 0xd0 && offset < 0xe0) return ci.apr[(offset - 0xd0) / 4];
        if (offset >= 0xe0 && offset < 0xf0) return ci.nsapr[(offset - 0xe0) / 4];
        return 0;
    }

    void cpu_write(emu::Addr offset, u32 value) {
        const unsigned c = current_cpu();
        CpuInterface& ci = cpus_[c];
        switch (offset) {
        case 0x00: ci.ctlr = value & kCpuCtlrMask; break;
        case 0x04: ci.pmr = value & 0xff; break;
        case 0x08: ci.bpr = value & 7; break;
        case 0x10: end_of_interrupt(c, value, false); break;
        case 0x1c: ci.abpr = std::max(value & 7, 1u); break;
        case 0x24: end_of_interrupt(c, value, true); break;
        case 0x1000: {
            const unsigned id = value & 0x3ff;
            if (id < num_irq_) deactivate(c, id);
            break;
        }
        default:
            if (offset >= 0xd0 && offset < 0xe0) ci.apr[(offset - 0xd0) / 4] = value;
            else if (offset >= 0xe0 && offset < 0xf0) ci.nsapr[(offset - 0xe0) / 4] = value;
            else return;  // read-only or reserved
        }
        update();
    }

    // GICC_HPPIR (alias: GICC_AHPPIR, the Group 1 view).
    unsigned highest_pending_id(unsigned c, bool alias) const {
        const Candidate cand = best_pending(c);
        if (cand.id == kSpurious) return kSpurious;
        if (alias && !cand.group1) return kSpurious;
        if (!alias && cand.group1 && !(cpus_[c].ctlr & kCpuAckCtl)) return kSpuriousGroup1;
        return cand.id | (cand.source << 10);
    }

    // GICC_IAR (alias: GICC_AIAR, which acknowledges Group 1 interrupts only).
    unsigned acknowledge(unsigned c, bool alias) {
        const Candidate cand = best_pending(c);
        if (!can_signal(c, cand)) return kSpurious;
        if (alias && !cand.group1) return kSpurious;
        if (!alias && cand.group1 && !(cpus_[c].ctlr & kCpuAckCtl)) return kSpuriousGroup1;

        const unsigned id = cand.id;
        const u32 bit = 1u << (id % 32);
        if (id < 32) {
            Banked& b = bank_[c];
            b.active |= bit;
            if (id < 16)
                b.sgi_sources[id] = static_cast<u8>(b.sgi_sources[id] & ~(1u << cand.source));
            else
                b.latched &= ~bit;
        } else {
            spi_active_[id / 32] |= bit;
            spi_latched_[id / 32] &= ~bit;
        }
        const unsigned index = group_priority(c, cand.priority, cand.group1) >> 1;
        auto& apr = cand.group1 ? cpus_[c].nsapr : cpus_[c].apr;
        apr[index / 32] |= 1u << (index % 32);
        update();
        return id | (cand.source << 10);
    }

    // GICC_EOIR (alias: GICC_AEOIR): drop the running priority; deactivate too unless the
    // interface splits priority drop and deactivation (GICC_CTLR.EOImodeS / EOImodeNS).
    void end_of_interrupt(unsigned c, u32 value, bool alias) {
        const unsigned id = value & 0x3ff;
        if (id >= num_irq_) return;  // spurious IDs 1020-1023 and unimplemented ones
        CpuInterface& ci = cpus_[c];
        const unsigned running = running_priority(c);
        if (running == kIdlePriority) return;  // nothing active
        // Clear the highest active priority, preferring the array of the interrupt's group.
        const unsigned index = running >> 1;
        const u32 bit = 1u << (index % 32);
        const bool group1 = in_group1(c, id);
        auto& preferred = group1 ? ci.nsapr : ci.apr;
        auto& other = group1 ? ci.apr : ci.nsapr;
        if (preferred[index / 32] & bit)
            preferred[index / 32] &= ~bit;
        else
            other[index / 32] &= ~bit;
        if (!(ci.ctlr & (alias ? kCpuEoiModeNs : kCpuEoiModeS))) deactivate(c, id);
    }

    void deactivate(unsigned c, unsigned id) {
        const u32 bit = 1u << (id % 32);
        if (id < 32)
            bank_[c].active &= ~bit;
        else
            spi_active_[id / 32] &= ~bit;
    }

    // Properties.
    std::uint32_t num_cpu_ = 1;
    std::uint32_t num_irq_ = 288;
    std::uint32_t revision_ = 2;

    // State.
    unsigned words_ = 0;  // bitmap words: ceil(num_irq / 32); word 0 (IDs 0..31) is banked
    u32 dist_ctlr_ = 0;
    std::vector<u32> spi_enabled_, spi_latched_, spi_active_, spi_group_, spi_level_, spi_edge_;
    std::vector<u8> priority_, targets_;  // by ID; entries below 32 unused (banked)
    std::array<Banked, kMaxCpus> bank_{};
    std::array<CpuInterface, kMaxCpus> cpus_{};

    std::vector<emu::IrqLine> irq_out_, fiq_out_;
    std::unique_ptr<emu::MemoryRegion> dist_, cpuif_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "arm_gic",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Misc,
               .description = "ARM Generic Interrupt Controller v2 (distributor and CPU interfaces)",
               .factory = emu::factory_of<ArmGic>(),
               .class_init = emu::class_init_of<ArmGic>(&ArmGic::class_init)});
}

}  // namespace

EMU_PLUGIN(gic, "1.0.0", "ARM GICv2 interrupt controller", "MIT", register_types);
