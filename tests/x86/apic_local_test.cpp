// The local APIC (plugins/cpu-x86/apic.cpp) on its own: its register page through an address
// space, a fake APIC bus recording what it sends, the timer on the virtual clock in manual mode
// and the core's nmi/init/sipi entry points.
#include <gtest/gtest.h>

#include <emu/event_loop.h>
#include <emu/memory.h>
#include <emu/x86.h>

#include <memory>
#include <vector>

#include "apic.h"
#include "cpu.h"
#include "x86_test_support.h"

namespace emu::x86 {
namespace {

constexpr Addr kBase = 0xFEE00000;

class FakeBus final : public X86ApicBus {
public:
    void attach(X86LocalApic&) override {}
    void send(const X86ApicMessage& m) override { sent.push_back(m); }
    std::uint8_t pic_acknowledge() override {
        ++pic_acks;
        return pic_vector;
    }
    void end_of_interrupt(std::uint8_t vector) override { eois.push_back(vector); }

    std::vector<X86ApicMessage> sent;
    std::vector<std::uint8_t> eois;
    int pic_acks = 0;
    std::uint8_t pic_vector = 0x08;
};

class ApicTest : public ::testing::Test {
protected:
    ApicTest() { make(0); }

    void make(std::uint32_t id) {
        space.reset();
        root.reset();
        apic.reset();
        apic = std::make_unique<LocalApic>(loop, id, machine.core(), [this] { ++kicks; });
        apic->set_bus(&bus);
        root = MemoryRegion::container("root", ~Addr(0));
        root->add_subregion(kBase, apic->mmio());
        space = std::make_unique<AddressSpace>("cpu", *root);
    }
    ~ApicTest() override {
        space.reset();
        root.reset();
        apic.reset();
    }

    std::uint32_t rd(unsigned reg) {
        std::uint64_t v = 0;
        EXPECT_EQ(space->read_value(kBase + reg, 4, v), MemResult::Ok);
        return static_cast<std::uint32_t>(v);
    }
    void wr(unsigned reg, std::uint32_t value) { EXPECT_EQ(space->write_value(kBase + reg, 4, value), MemResult::Ok); }
    void enable() { wr(0xF0, 0x1FF); }  // software enable, spurious vector 0xFF
    bool irr(unsigned v) { return rd(0x200 + (v / 32) * 0x10) >> (v % 32) & 1; }
    bool isr(unsigned v) { return rd(0x100 + (v / 32) * 0x10) >> (v % 32) & 1; }
    void fixed(std::uint8_t vector, bool level = false) {
        X86ApicMessage m;
        m.vector = vector;
        m.level_triggered = level;
        apic->deliver(m);
    }

    EventLoop loop;
    test::Machine machine;
    FakeBus bus;
    int kicks = 0;
    std::unique_ptr<LocalApic> apic;
    std::unique_ptr<MemoryRegion> root;
    std::unique_ptr<AddressSpace> space;
};

TEST_F(ApicTest, ResetState) {
    make(3);
    EXPECT_EQ(rd(0x20), 3u << 24);
    EXPECT_EQ(rd(0x30), 0x00050014u);
    EXPECT_EQ(rd(0xF0), 0xFFu);
    EXPECT_EQ(rd(0xE0), 0xFFFFFFFFu);
    for (unsigned lvt = 0x320; lvt <= 0x370; lvt += 0x10) EXPECT_EQ(rd(lvt), 0x10000u) << std::hex << lvt;
    // Software-disabled: LVT writes keep the mask.
    wr(0x350, 0x700);
    EXPECT_EQ(rd(0x350), 0x10700u);
    enable();
    wr(0x350, 0x700);
    EXPECT_EQ(rd(0x350), 0x700u);
    EXPECT_EQ(apic->apic_id(), 3u);
}

TEST_F(ApicTest, FixedInterruptsFollowPriority) {
    enable();
    fixed(0x40);
    EXPECT_TRUE(irr(0x40));
    EXPECT_GT(kicks, 0);
    ASSERT_TRUE(apic->interrupt_pending());
    EXPECT_EQ(apic->acknowledge(), 0x40);
    EXPECT_FALSE(irr(0x40));
    EXPECT_TRUE(isr(0x40));
    EXPECT_EQ(rd(0xA0), 0x40u);  // PPR = the in-service class
    // Same class as in service: waits; higher class: preempts.
    fixed(0x45);
    EXPECT_FALSE(apic->interrupt_pending());
    fixed(0x51);
    ASSERT_TRUE(apic->interrupt_pending());
    EXPECT_EQ(apic->acknowledge(), 0x51);
    // TPR blocks classes at or below it.
    wr(0x80, 0x60);
    fixed(0x62);
    wr(0xB0, 0);  // EOI 0x51
    EXPECT_FALSE(isr(0x51));
    wr(0xB0, 0);  // EOI 0x40
    EXPECT_FALSE(apic->interrupt_pending());
    EXPECT_EQ(rd(0xA0), 0x60u);
    wr(0x80, 0x00);
    ASSERT_TRUE(apic->interrupt_pending());
    EXPECT_EQ(apic->acknowledge(), 0x62);
    wr(0xB0, 0);
    EXPECT_EQ(apic->acknowledge(), 0x45);
    EXPECT_TRUE(bus.eois.empty());  // edge-triggered: no EOI message
}

TEST_F(ApicTest, LevelEoiReachesTheBus) {
    enable();
    fixed(0x33, true);
    EXPECT_TRUE(rd(0x180 + 0x10) >> (0x33 - 32) & 1);  // TMR
    EXPECT_EQ(apic->acknowledge(), 0x33);
    wr(0xB0, 0);
    ASSERT_EQ(bus.eois.size(), 1u);
    EXPECT_EQ(bus.eois[0], 0x33);
}

TEST_F(ApicTest, SoftwareDisabledHoldsFixedInterrupts) {
    fixed(0x40);
    EXPECT_TRUE(irr(0x40));
    EXPECT_FALSE(apic->interrupt_pending());
    enable();
    EXPECT_TRUE(apic->interrupt_pending());
}

TEST_F(ApicTest, IllegalVectorsSetEsr) {
    enable();
    wr(0x310, 0);
    wr(0x300, 0x4005);  // fixed IPI with vector 5
    EXPECT_TRUE(bus.sent.empty());
    wr(0x280, 0);
    EXPECT_EQ(rd(0x280), 0x20u);  // send illegal vector
    wr(0x280, 0);
    EXPECT_EQ(rd(0x280), 0u);
}

TEST_F(ApicTest, OneShotTimer) {
    loop.virtual_clock().set_manual(true);
    enable();
    wr(0x3E0, 0xB);        // divide by 1: 1 ns per tick
    wr(0x320, 0x41);       // one-shot, vector 0x41
    wr(0x380, 1000);
    EXPECT_EQ(rd(0x390), 1000u);
    loop.virtual_clock().step(400);
    EXPECT_EQ(rd(0x390), 600u);
    loop.virtual_clock().step(599);
    EXPECT_FALSE(irr(0x41));
    loop.virtual_clock().step(1);
    EXPECT_TRUE(irr(0x41));
    EXPECT_EQ(rd(0x390), 0u);
    EXPECT_EQ(apic->acknowledge(), 0x41);
    wr(0xB0, 0);
    loop.virtual_clock().step(5000);
    EXPECT_FALSE(irr(0x41));  // one shot only
}

TEST_F(ApicTest, PeriodicTimerAndDivider) {
    loop.virtual_clock().set_manual(true);
    enable();
    wr(0x3E0, 0x0);             // divide by 2
    wr(0x320, 0x20000 | 0x42);  // periodic
    wr(0x380, 500);             // 1000 ns period
    int fired = 0;
    for (int i = 0; i < 5; ++i) {
        loop.virtual_clock().step(999);
        EXPECT_FALSE(irr(0x42)) << i;
        loop.virtual_clock().step(1);
        if (irr(0x42)) {
            ++fired;
            EXPECT_EQ(apic->acknowledge(), 0x42);
            wr(0xB0, 0);
        }
    }
    EXPECT_EQ(fired, 5);
    loop.virtual_clock().step(500);
    EXPECT_EQ(rd(0x390), 250u);
    // Masked: it counts but raises nothing.
    wr(0x320, 0x30000 | 0x42);
    loop.virtual_clock().step(3000);
    EXPECT_FALSE(irr(0x42));
    // An initial count of 0 stops it.
    wr(0x380, 0);
    EXPECT_EQ(rd(0x390), 0u);
}

TEST_F(ApicTest, IcrSendsIpis) {
    make(2);
    enable();
    wr(0x310, 0x05000000);
    wr(0x300, 0x4031);  // fixed, vector 0x31, physical, to APIC 5
    ASSERT_EQ(bus.sent.size(), 1u);
    EXPECT_EQ(bus.sent[0].vector, 0x31);
    EXPECT_EQ(bus.sent[0].destination, 5u);
    EXPECT_EQ(bus.sent[0].source_apic, 2);
    EXPECT_EQ(bus.sent[0].shorthand, X86ApicMessage::Shorthand::None);
    EXPECT_FALSE(rd(0x300) & (1u << 12));  // delivery status idle
    wr(0x300, 0x000C4500);  // INIT to all excluding self
    ASSERT_EQ(bus.sent.size(), 2u);
    EXPECT_EQ(bus.sent[1].delivery, X86ApicMessage::Delivery::Init);
    EXPECT_EQ(bus.sent[1].shorthand, X86ApicMessage::Shorthand::AllExcludingSelf);
    wr(0x300, 0x000C4612);  // SIPI vector 0x12
    EXPECT_EQ(bus.sent[2].delivery, X86ApicMessage::Delivery::StartUp);
    EXPECT_EQ(bus.sent[2].vector, 0x12);
    wr(0x300, 0x00044940);  // self, logical, lowest priority
    EXPECT_EQ(bus.sent[3].shorthand, X86ApicMessage::Shorthand::Self);
    EXPECT_TRUE(bus.sent[3].logical);
    EXPECT_EQ(bus.sent[3].delivery, X86ApicMessage::Delivery::LowestPriority);
}

TEST_F(ApicTest, DestinationMatching) {
    make(3);
    EXPECT_TRUE(apic->matches(false, 3));
    EXPECT_TRUE(apic->matches(false, 0xFF));
    EXPECT_FALSE(apic->matches(false, 4));
    // Flat logical model: LDR bit set in the mask.
    wr(0xD0, 0x04000000);
    EXPECT_TRUE(apic->matches(true, 0x06));
    EXPECT_FALSE(apic->matches(true, 0x01));
    EXPECT_TRUE(apic->matches(true, 0xFF));
    // Cluster model: cluster 2, member bit 1.
    wr(0xE0, 0x0FFFFFFF);
    EXPECT_EQ(rd(0xE0), 0x0FFFFFFFu);
    wr(0xD0, 0x22000000);
    EXPECT_TRUE(apic->matches(true, 0x23));
    EXPECT_FALSE(apic->matches(true, 0x13));
    EXPECT_FALSE(apic->matches(true, 0x21));
    // Globally disabled: nothing.
    apic->set_apic_base(0xFEE00000);
    EXPECT_FALSE(apic->matches(false, 3));
}

TEST_F(ApicTest, ExtIntPassesThroughTheResetStateBsp) {
    // Reset state (SVR software-disabled) on the BSP: the 8259's INTR reaches the CPU.
    apic->set_lint(0, true);
    ASSERT_TRUE(apic->interrupt_pending());
    bus.pic_vector = 0x09;
    EXPECT_EQ(apic->acknowledge(), 0x09);
    EXPECT_EQ(bus.pic_acks, 1);
    apic->set_lint(0, false);
    EXPECT_FALSE(apic->interrupt_pending());
    // Enabled with LINT0 masked: no; LINT0 as ExtINT: yes.
    enable();
    apic->set_lint(0, true);
    EXPECT_FALSE(apic->interrupt_pending());
    wr(0x350, 0x700);
    EXPECT_TRUE(apic->interrupt_pending());
    // Globally disabled (IA32_APIC_BASE.EN clear): LINT0 is INTR.
    apic->set_apic_base(0xFEE00100);
    EXPECT_TRUE(apic->interrupt_pending());
    EXPECT_EQ(rd(0xF0), 0xFFu);  // and the registers went back to their reset values
}

TEST_F(ApicTest, ExtIntIsNotPassedToAnApplicationProcessor) {
    make(1);
    apic->set_lint(0, true);
    EXPECT_FALSE(apic->interrupt_pending());
}

TEST_F(ApicTest, Lint1AsNmi) {
    apic->set_lint(1, true);  // masked in the reset state
    EXPECT_FALSE(machine.cpu().pending_nmi.load());
    apic->set_lint(1, false);
    enable();
    wr(0x360, 0x400);  // NMI
    apic->set_lint(1, true);
    EXPECT_TRUE(machine.cpu().pending_nmi.load());
}

TEST_F(ApicTest, GloballyDisabledLint1IsTheNmiPin) {
    apic->set_apic_base(0xFEE00100);
    apic->set_lint(1, true);
    EXPECT_TRUE(machine.cpu().pending_nmi.load());
}

TEST_F(ApicTest, InitSipiAndNmiMessages) {
    make(1);
    enable();
    wr(0x80, 0x20);
    fixed(0x50);
    X86ApicMessage m;
    m.delivery = X86ApicMessage::Delivery::Nmi;
    apic->deliver(m);
    EXPECT_TRUE(machine.cpu().pending_nmi.load());
    // INIT level de-assert is ignored.
    m.delivery = X86ApicMessage::Delivery::Init;
    m.level_triggered = true;
    m.assert_level = false;
    apic->deliver(m);
    EXPECT_FALSE(machine.cpu().pending_init.load());
    EXPECT_EQ(rd(0x80), 0x20u);
    m.assert_level = true;
    apic->deliver(m);
    EXPECT_TRUE(machine.cpu().pending_init.load());
    EXPECT_EQ(rd(0x80), 0u);  // the APIC reset with it, except its ID
    EXPECT_FALSE(irr(0x50));
    EXPECT_EQ(rd(0x20), 1u << 24);
    m.delivery = X86ApicMessage::Delivery::StartUp;
    m.vector = 0x9A;
    apic->deliver(m);
    EXPECT_EQ(machine.cpu().pending_sipi.load(), 0x9A);
}

TEST_F(ApicTest, ArbitrationPriority) {
    enable();
    EXPECT_EQ(apic->arbitration_priority(), 0u);
    wr(0x80, 0x30);
    EXPECT_EQ(apic->arbitration_priority(), 0x30u);
    fixed(0x61);
    EXPECT_EQ(apic->arbitration_priority(), 0x60u);
    EXPECT_EQ(rd(0x90), 0x60u);
}

}  // namespace
}  // namespace emu::x86
