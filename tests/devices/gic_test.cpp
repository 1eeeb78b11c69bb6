// The GICv2 ("arm_gic"): distributor and banked CPU interfaces, driven as a guest would.
#include <array>

#include "device_harness.h"
#include "emu/cpu.h"
#include "emu/error.h"

namespace {

using emu_test::IrqRecorder;

constexpr emu::Addr kDist = 0x08000000;
constexpr emu::Addr kCpu = 0x08010000;
constexpr unsigned kCpus = 4;

// Distributor registers.
constexpr emu::Addr CTLR = 0x000, TYPER = 0x004, IIDR = 0x008, IGROUPR = 0x080, ISENABLER = 0x100,
                    ICENABLER = 0x180, ISPENDR = 0x200, ICPENDR = 0x280, ISACTIVER = 0x300,
                    IPRIORITYR = 0x400, ITARGETSR = 0x800, ICFGR = 0xc00, SGIR = 0xf00,
                    CPENDSGIR = 0xf10, SPENDSGIR = 0xf20;
// CPU interface registers.
constexpr emu::Addr C_CTLR = 0x00, C_PMR = 0x04, C_BPR = 0x08, C_IAR = 0x0c, C_EOIR = 0x10,
                    C_RPR = 0x14, C_HPPIR = 0x18, C_AIAR = 0x20, C_AEOIR = 0x24, C_APR0 = 0xd0,
                    C_IIDR = 0xfc, C_DIR = 0x1000;

class GicTest : public emu_test::DeviceBench {
protected:
    void SetUp() override {
        gic = &create("arm_gic", "gic");
        gic->set_property("num-cpu", std::to_string(kCpus));
        gic->realize();
        map(kDist, gic->mmio(0));
        map(kCpu, gic->mmio(1));
        for (unsigned c = 0; c < kCpus; ++c) {
            gic->connect_gpio_out("irq", c, irq[c].line());
            gic->connect_gpio_out("fiq", c, fiq[c].line());
        }
    }

    std::uint32_t dist(emu::Addr off) { return static_cast<std::uint32_t>(read(kDist + off)); }
    void dist(emu::Addr off, std::uint32_t value) { write(kDist + off, value); }
    void dist8(emu::Addr off, std::uint8_t value) { write(kDist + off, value, 1); }
    std::uint32_t cpu(unsigned c, emu::Addr off) {
        emu::set_current_cpu_index(static_cast<int>(c));
        return static_cast<std::uint32_t>(read(kCpu + off));
    }
    void cpu(unsigned c, emu::Addr off, std::uint32_t value) {
        emu::set_current_cpu_index(static_cast<int>(c));
        write(kCpu + off, value);
    }
    void on_cpu(unsigned c) { emu::set_current_cpu_index(static_cast<int>(c)); }

    // Enable the distributor and every CPU interface with PMR 0xf0 (as Linux does).
    void enable_all() {
        dist(CTLR, 1);
        for (unsigned c = 0; c < kCpus; ++c) {
            cpu(c, C_CTLR, 1);
            cpu(c, C_PMR, 0xf0);
        }
    }
    // Configure SPI `id` (>= 32): priority, target CPUs, enabled.
    void setup_spi(unsigned id, std::uint8_t priority, std::uint8_t targets) {
        dist8(IPRIORITYR + id, priority);
        dist8(ITARGETSR + id, targets);
        dist(ISENABLER + 4 * (id / 32), 1u << (id % 32));
    }
    void spi(unsigned id, bool level) { gic->gpio_in("", id - 32).set(level); }

    emu::Device* gic = nullptr;
    std::array<IrqRecorder, kCpus> irq, fiq;
};

TEST_F(GicTest, IdentificationRegisters) {
    EXPECT_EQ(dist(TYPER), (288u / 32 - 1) | ((kCpus - 1) << 5));
    EXPECT_EQ(dist(IIDR), 0x43bu);
    EXPECT_EQ(cpu(0, C_IIDR), 0x0002043bu);
    EXPECT_EQ(dist(0xfe8), 0x2bu);  // PIDR2: architecture version 2
    EXPECT_EQ(dist(0xfd0), 0x04u);
    std::uint32_t cid = 0;
    for (unsigned i = 0; i < 4; ++i) cid |= dist(0xff0 + 4 * i) << (8 * i);
    EXPECT_EQ(cid, 0xb105f00du);
    // SGIs are edge-triggered and read-only.
    EXPECT_EQ(dist(ICFGR), 0xaaaaaaaau);
    dist(ICFGR, 0);
    EXPECT_EQ(dist(ICFGR), 0xaaaaaaaau);
}

TEST_F(GicTest, RealizeChecksProperties) {
    auto& bad = create("arm_gic", "bad");
    bad.set_property("num-irq", "100");
    EXPECT_THROW(bad.realize(), emu::Error);
    bad.set_property("num-irq", "64");
    bad.set_property("revision", "1");
    EXPECT_THROW(bad.realize(), emu::Error);
    EXPECT_THROW(bad.set_property("num-cpu", "9"), emu::Error);
    bad.set_property("revision", "2");
    bad.realize();
    EXPECT_EQ(dist(TYPER) & 0x1f, 8u);  // the first GIC is unaffected
}

TEST_F(GicTest, PriorityAndTargetBytesComposeIntoWords) {
    dist8(IPRIORITYR + 40, 0x12);
    dist8(IPRIORITYR + 41, 0x34);
    write(kDist + IPRIORITYR + 42, 0x7856, 2);
    EXPECT_EQ(dist(IPRIORITYR + 40), 0x78563412u);
    EXPECT_EQ(read(kDist + IPRIORITYR + 41, 1), 0x34u);
    dist(ITARGETSR + 40, 0xff0f0201);  // targets are masked to the CPUs that exist
    EXPECT_EQ(dist(ITARGETSR + 40), 0x0f0f0201u);
    // SGI/PPI target bytes are read-only and give the accessing CPU's bit.
    for (unsigned c = 0; c < kCpus; ++c) {
        on_cpu(c);
        const std::uint32_t own = 0x01010101u << c;
        EXPECT_EQ(dist(ITARGETSR), own);
        EXPECT_EQ(dist(ITARGETSR + 28), own);
        dist(ITARGETSR + 28, 0);
        EXPECT_EQ(dist(ITARGETSR + 28), own);
    }
}

TEST_F(GicTest, SpiReachesTargetedCpuAndIarEoirCycle) {
    enable_all();
    setup_spi(37, 0x80, 0x02);  // SPI 5 -> CPU 1
    EXPECT_EQ(cpu(1, C_IAR), 1023u);
    spi(37, true);
    EXPECT_FALSE(irq[0].level());
    EXPECT_TRUE(irq[1].level());
    EXPECT_FALSE(fiq[1].level());
    EXPECT_EQ(cpu(0, C_IAR), 1023u);  // not targeted at CPU 0
    EXPECT_EQ(cpu(1, C_HPPIR), 37u);
    EXPECT_EQ(cpu(1, C_IAR), 37u);
    EXPECT_FALSE(irq[1].level());  // active: not signalled again
    EXPECT_EQ(cpu(1, C_RPR), 0x80u);
    EXPECT_EQ(dist(ISACTIVER + 4) & (1u << 5), 1u << 5);
    spi(37, false);
    cpu(1, C_EOIR, 37);
    EXPECT_EQ(cpu(1, C_RPR), 0xffu);
    EXPECT_EQ(dist(ISACTIVER + 4), 0u);
    EXPECT_FALSE(irq[1].level());
    EXPECT_EQ(cpu(1, C_IAR), 1023u);

    // Retarget to CPU 2 and 3: both see it, the first to acknowledge takes it.
    dist8(ITARGETSR + 37, 0x0c);
    spi(37, true);
    EXPECT_FALSE(irq[1].level());
    EXPECT_TRUE(irq[2].level());
    EXPECT_TRUE(irq[3].level());
    EXPECT_EQ(cpu(3, C_IAR), 37u);
    EXPECT_FALSE(irq[2].level());
    EXPECT_EQ(cpu(2, C_IAR), 1023u);
    spi(37, false);
    cpu(3, C_EOIR, 37);
}

TEST_F(GicTest, NothingIsSignalledWhileDisabled) {
    setup_spi(40, 0x10, 0x01);
    cpu(0, C_PMR, 0xff);
    spi(40, true);
    EXPECT_FALSE(irq[0].level());  // distributor and CPU interface off
    dist(CTLR, 1);
    EXPECT_FALSE(irq[0].level());
    EXPECT_EQ(cpu(0, C_IAR), 1023u);
    cpu(0, C_CTLR, 1);
    EXPECT_TRUE(irq[0].level());
    dist(ICENABLER + 4, 1u << 8);
    EXPECT_FALSE(irq[0].level());
    EXPECT_EQ(dist(ISPENDR + 4), 1u << 8);  // still pending, just not forwarded
    dist(ISENABLER + 4, 1u << 8);
    EXPECT_TRUE(irq[0].level());
    dist(CTLR, 0);
    EXPECT_FALSE(irq[0].level());
}

TEST_F(GicTest, PriorityMask) {
    enable_all();
    setup_spi(33, 0x80, 0x01);
    cpu(0, C_PMR, 0x80);  // only priorities strictly higher (lower value) than 0x80 pass
    spi(33, true);
    EXPECT_FALSE(irq[0].level());
    EXPECT_EQ(cpu(0, C_IAR), 1023u);
    EXPECT_EQ(cpu(0, C_HPPIR), 33u);  // pending regardless of the mask
    cpu(0, C_PMR, 0x81);
    EXPECT_TRUE(irq[0].level());
    cpu(0, C_PMR, 0x00);
    EXPECT_FALSE(irq[0].level());
    cpu(0, C_PMR, 0xff);
    EXPECT_EQ(cpu(0, C_IAR), 33u);
    spi(33, false);
    cpu(0, C_EOIR, 33);
}

TEST_F(GicTest, PreemptionByGroupPriority) {
    enable_all();
    setup_spi(50, 0x80, 0x01);
    setup_spi(51, 0x40, 0x01);
    setup_spi(52, 0x60, 0x01);
    spi(50, true);
    EXPECT_EQ(cpu(0, C_IAR), 50u);
    EXPECT_EQ(cpu(0, C_RPR), 0x80u);
    spi(51, true);  // higher priority: preempts
    EXPECT_TRUE(irq[0].level());
    EXPECT_EQ(cpu(0, C_IAR), 51u);
    EXPECT_EQ(cpu(0, C_RPR), 0x40u);
    // Active priorities: bit i of the APRs is group priority 2*i (0x40 -> APR1 bit 0, 0x80 -> APR2 bit 0).
    EXPECT_EQ(cpu(0, C_APR0 + 4), 1u);
    EXPECT_EQ(cpu(0, C_APR0 + 8), 1u);
    spi(52, true);  // 0x60 is lower than the running 0x40: waits
    EXPECT_FALSE(irq[0].level());
    EXPECT_EQ(cpu(0, C_IAR), 1023u);
    spi(51, false);
    cpu(0, C_EOIR, 51);  // running priority drops back to 0x80: 0x60 preempts that
    EXPECT_EQ(cpu(0, C_RPR), 0x80u);
    EXPECT_TRUE(irq[0].level());
    EXPECT_EQ(cpu(0, C_IAR), 52u);
    spi(52, false);
    cpu(0, C_EOIR, 52);
    spi(50, false);
    cpu(0, C_EOIR, 50);
    EXPECT_EQ(cpu(0, C_RPR), 0xffu);
    EXPECT_EQ(cpu(0, C_APR0 + 4) | cpu(0, C_APR0 + 8), 0u);

    // BPR 5: group priority is bits [7:6]; 0x60 and 0x40 share a group, so no preemption.
    cpu(0, C_BPR, 5);
    spi(51, true);
    EXPECT_EQ(cpu(0, C_IAR), 51u);
    EXPECT_EQ(cpu(0, C_RPR), 0x40u);
    spi(52, true);
    EXPECT_FALSE(irq[0].level());
    spi(50, true);  // 0x80: group 0x80, lower than 0x40
    EXPECT_FALSE(irq[0].level());
    spi(51, false);
    cpu(0, C_EOIR, 51);
    EXPECT_EQ(cpu(0, C_IAR), 52u);  // the highest pending wins once idle
    spi(52, false);
    cpu(0, C_EOIR, 52);
    EXPECT_EQ(cpu(0, C_IAR), 50u);
    spi(50, false);
    cpu(0, C_EOIR, 50);

    // BPR 7: no preemption at all.
    cpu(0, C_BPR, 7);
    EXPECT_EQ(cpu(0, C_BPR), 7u);
    spi(50, true);
    EXPECT_EQ(cpu(0, C_IAR), 50u);
    EXPECT_EQ(cpu(0, C_RPR), 0x00u);
    spi(51, true);
    EXPECT_FALSE(irq[0].level());
}

TEST_F(GicTest, SgiCarriesSourceCpu) {
    enable_all();
    for (unsigned c = 0; c < kCpus; ++c) {  // SGI enables and priorities are banked
        on_cpu(c);
        dist(ISENABLER, 0x0000ffff);
        dist8(IPRIORITYR + 3, 0x20);
    }
    on_cpu(0);
    EXPECT_EQ(dist(IPRIORITYR) >> 24, 0x20u);
    // CPU 2 sends SGI 3 to CPU 1 through the target list.
    on_cpu(2);
    dist(SGIR, (0x2u << 16) | 3);
    EXPECT_TRUE(irq[1].level());
    EXPECT_FALSE(irq[0].level());
    EXPECT_FALSE(irq[2].level());
    on_cpu(1);
    EXPECT_EQ(dist(ISPENDR) & 0xffff, 1u << 3);
    EXPECT_EQ(dist(SPENDSGIR), 0x04u << 24);  // SGI 3, source CPU 2
    EXPECT_EQ(cpu(1, C_IAR), 3u | (2u << 10));
    EXPECT_FALSE(irq[1].level());
    cpu(1, C_EOIR, 3u | (2u << 10));
    EXPECT_EQ(cpu(1, C_IAR), 1023u);

    // Filter 1: everyone but the sender.
    on_cpu(0);
    dist(SGIR, (1u << 24) | 5);
    EXPECT_FALSE(irq[0].level());
    for (unsigned c = 1; c < kCpus; ++c) {
        EXPECT_TRUE(irq[c].level()) << c;
        EXPECT_EQ(cpu(c, C_IAR), 5u);
        cpu(c, C_EOIR, 5);
    }
    // Filter 2: the sender only.
    on_cpu(3);
    dist(SGIR, (2u << 24) | (0xfu << 16) | 7);
    EXPECT_TRUE(irq[3].level());
    EXPECT_FALSE(irq[0].level());
    EXPECT_EQ(cpu(3, C_IAR), 7u | (3u << 10));
    cpu(3, C_EOIR, 7u | (3u << 10));

    // Two sources of the same SGI are acknowledged one after the other.
    on_cpu(1);
    dist(SGIR, (0x1u << 16) | 2);
    on_cpu(3);
    dist(SGIR, (0x1u << 16) | 2);
    EXPECT_EQ(cpu(0, C_IAR), 2u | (1u << 10));
    EXPECT_EQ(cpu(0, C_IAR), 1023u);  // SGI 2 is active (and still pending from CPU 3)
    cpu(0, C_EOIR, 2u | (1u << 10));
    EXPECT_EQ(cpu(0, C_IAR), 2u | (3u << 10));
    cpu(0, C_EOIR, 2u | (3u << 10));

    // SPENDSGIR/CPENDSGIR set and clear per source.
    on_cpu(0);
    dist8(SPENDSGIR + 9, 0x0a);  // SGI 9 from CPUs 1 and 3
    EXPECT_EQ(dist(SPENDSGIR + 8), 0x0au << 8);
    dist8(CPENDSGIR + 9, 0x02);
    EXPECT_EQ(dist(SPENDSGIR + 8), 0x08u << 8);
    EXPECT_EQ(cpu(0, C_IAR), 9u | (3u << 10));
    cpu(0, C_EOIR, 9u | (3u << 10));
}

TEST_F(GicTest, LevelSensitiveStaysPendingWhileHigh) {
    enable_all();
    setup_spi(60, 0x80, 0x01);
    spi(60, true);
    dist(ICPENDR + 4, 1u << 28);  // clearing the pending state does not lower the wire
    EXPECT_EQ(dist(ISPENDR + 4), 1u << 28);
    EXPECT_EQ(cpu(0, C_IAR), 60u);
    EXPECT_EQ(dist(ISPENDR + 4), 1u << 28);  // active and pending: the input is still high
    EXPECT_FALSE(irq[0].level());
    cpu(0, C_EOIR, 60);
    EXPECT_TRUE(irq[0].level());  // the same interrupt again
    EXPECT_EQ(cpu(0, C_IAR), 60u);
    spi(60, false);
    EXPECT_EQ(dist(ISPENDR + 4), 0u);
    cpu(0, C_EOIR, 60);
    EXPECT_FALSE(irq[0].level());
    // A software-pended level interrupt stays pending until acknowledged or cleared.
    dist(ISPENDR + 4, 1u << 28);
    EXPECT_TRUE(irq[0].level());
    dist(ICPENDR + 4, 1u << 28);
    EXPECT_FALSE(irq[0].level());
}

TEST_F(GicTest, EdgeTriggeredLatchesRisingEdges) {
    enable_all();
    setup_spi(61, 0x80, 0x01);
    dist(ICFGR + 4 * (61 / 16), 2u << (2 * (61 % 16)));
    EXPECT_EQ(dist(ICFGR + 4 * (61 / 16)), 2u << (2 * (61 % 16)));
    gic->gpio_in("", 61 - 32).pulse();
    EXPECT_TRUE(irq[0].level());  // latched although the input is low again
    EXPECT_EQ(cpu(0, C_IAR), 61u);
    EXPECT_EQ(dist(ISPENDR + 4), 0u);
    spi(61, true);  // a new edge while active: active and pending
    EXPECT_EQ(dist(ISPENDR + 4), 1u << 29);
    EXPECT_FALSE(irq[0].level());
    spi(61, true);  // no edge: nothing more
    cpu(0, C_EOIR, 61);
    EXPECT_TRUE(irq[0].level());
    EXPECT_EQ(cpu(0, C_IAR), 61u);
    cpu(0, C_EOIR, 61);
    EXPECT_FALSE(irq[0].level());  // input still high, but edge-triggered: done
    EXPECT_EQ(cpu(0, C_IAR), 1023u);
    spi(61, false);
    dist(ICPENDR + 4, 1u << 29);
}

TEST_F(GicTest, PpisAreBankedPerCpu) {
    enable_all();
    for (unsigned c = 0; c < kCpus; ++c) {
        on_cpu(c);
        dist(ICENABLER, 0xffff0000);
        EXPECT_EQ(dist(ISENABLER) & 0xffff0000, 0u);
    }
    on_cpu(1);
    dist(ISENABLER, 1u << 27);
    dist8(IPRIORITYR + 27, 0xa0);
    on_cpu(0);
    EXPECT_EQ(dist(ISENABLER) & (1u << 27), 0u);  // CPU 0's copy is untouched
    EXPECT_EQ(dist(IPRIORITYR + 24) >> 24, 0u);
    // CPU 1's virtual timer (PPI 27) rises; CPU 0's line stays low.
    gic->gpio_in("ppi", 1 * 32 + 27).raise();
    EXPECT_TRUE(irq[1].level());
    EXPECT_FALSE(irq[0].level());
    EXPECT_EQ(cpu(0, C_IAR), 1023u);
    on_cpu(1);
    EXPECT_EQ(dist(ISPENDR) & (1u << 27), 1u << 27);
    on_cpu(0);
    EXPECT_EQ(dist(ISPENDR) & (1u << 27), 0u);
    EXPECT_EQ(cpu(1, C_IAR), 27u);
    gic->gpio_in("ppi", 1 * 32 + 27).lower();
    cpu(1, C_EOIR, 27);
    EXPECT_FALSE(irq[1].level());
    // The same PPI of CPU 0 is a different interrupt.
    on_cpu(0);
    dist(ISENABLER, 1u << 30);
    gic->gpio_in("ppi", 0 * 32 + 30).raise();
    EXPECT_TRUE(irq[0].level());
    EXPECT_FALSE(irq[1].level());
    EXPECT_EQ(cpu(0, C_IAR), 30u);
    gic->gpio_in("ppi", 0 * 32 + 30).lower();
    cpu(0, C_EOIR, 30);
    // Lines for SGI numbers are ignored; lines past the CPUs do not exist.
    gic->gpio_in("ppi", 3).raise();
    EXPECT_EQ(dist(ISPENDR) & 0xffff, 0u);
    EXPECT_THROW(gic->gpio_in("ppi", kCpus * 32), emu::Error);
    EXPECT_THROW(gic->gpio_in("", 288 - 32), emu::Error);
}

TEST_F(GicTest, GroupZeroSignalsFiqWhenFiqEnabled) {
    enable_all();
    setup_spi(45, 0x80, 0x01);
    cpu(0, C_CTLR, 1u | (1u << 3));  // EnableGrp0 | FIQEn
    spi(45, true);
    EXPECT_TRUE(fiq[0].level());
    EXPECT_FALSE(irq[0].level());
    cpu(0, C_CTLR, 1);
    EXPECT_FALSE(fiq[0].level());
    EXPECT_TRUE(irq[0].level());
    spi(45, false);
}

TEST_F(GicTest, GroupOneInterrupts) {
    setup_spi(46, 0x80, 0x01);
    dist(IGROUPR + 4, 1u << 14);
    EXPECT_EQ(dist(IGROUPR + 4), 1u << 14);
    dist(CTLR, 1);  // Group 0 only: not forwarded
    cpu(0, C_CTLR, 3);
    cpu(0, C_PMR, 0xff);
    spi(46, true);
    EXPECT_FALSE(irq[0].level());
    dist(CTLR, 3);
    EXPECT_TRUE(irq[0].level());
    EXPECT_EQ(cpu(0, C_IAR), 1022u);  // Group 1 through GICC_IAR needs AckCtl
    EXPECT_EQ(cpu(0, C_AIAR), 46u);
    cpu(0, C_AEOIR, 46);
    EXPECT_EQ(cpu(0, C_RPR), 0xffu);
    cpu(0, C_CTLR, 3u | (1u << 2));  // AckCtl
    EXPECT_EQ(cpu(0, C_IAR), 46u);
    spi(46, false);
    cpu(0, C_EOIR, 46);
    EXPECT_EQ(dist(ISACTIVER + 4), 0u);
}

TEST_F(GicTest, SplitPriorityDropAndDeactivation) {
    enable_all();
    setup_spi(47, 0x80, 0x01);
    cpu(0, C_CTLR, 1u | (1u << 9));  // EOImodeS
    spi(47, true);
    EXPECT_EQ(cpu(0, C_IAR), 47u);
    spi(47, false);
    cpu(0, C_EOIR, 47);
    EXPECT_EQ(cpu(0, C_RPR), 0xffu);  // priority dropped...
    EXPECT_EQ(dist(ISACTIVER + 4), 1u << 15);  // ...but still active
    spi(47, true);
    EXPECT_FALSE(irq[0].level());
    cpu(0, C_DIR, 47);
    EXPECT_EQ(dist(ISACTIVER + 4), 0u);
    EXPECT_TRUE(irq[0].level());
    spi(47, false);
}

TEST_F(GicTest, ResetReturnsToPowerOnState) {
    enable_all();
    setup_spi(48, 0x80, 0x01);
    spi(48, true);
    EXPECT_TRUE(irq[0].level());
    gic->reset();
    EXPECT_FALSE(irq[0].level());
    EXPECT_EQ(dist(CTLR), 0u);
    EXPECT_EQ(dist(ISENABLER + 4), 0u);
    EXPECT_EQ(cpu(0, C_PMR), 0u);
    spi(48, false);
}

class GicUniprocessorTest : public emu_test::DeviceBench {};

TEST_F(GicUniprocessorTest, TargetsAreImplicit) {
    auto& gic = create("arm_gic", "gic");
    gic.set_property("num-irq", "64");
    gic.realize();
    map(kDist, gic.mmio(0));
    map(kCpu, gic.mmio(1));
    IrqRecorder irq;
    gic.connect_gpio_out("irq", 0, irq.line());
    EXPECT_EQ(read(kDist + TYPER), 1u);
    EXPECT_EQ(read(kDist + ITARGETSR), 0x01010101u);  // SGI/PPI: CPU 0's bit
    write(kDist + ITARGETSR + 32, 0xffffffff);
    EXPECT_EQ(read(kDist + ITARGETSR + 32), 0u);  // SPIs: RAZ/WI
    write(kDist + CTLR, 1);
    write(kCpu + C_CTLR, 1);
    write(kCpu + C_PMR, 0xff);
    write(kDist + ISENABLER + 4, 1u << 31);
    gic.gpio_in("", 31).raise();
    EXPECT_TRUE(irq.level());
    EXPECT_EQ(read(kCpu + C_IAR), 63u);
}

}  // namespace
