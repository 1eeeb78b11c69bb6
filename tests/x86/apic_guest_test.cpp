// The local APIC as a guest sees it: code on X86Core programs the APIC timer through the
// register page mapped at 0xFEE00000 in the core's memory, halts, and takes the timer
// interrupts (vector 0x40) as the virtual clock advances. The guest loads a GDT with the boot
// state's flat segments (code 0x10, data 0x18) and an IDT.
#include <gtest/gtest.h>

#include <emu/event_loop.h>
#include <emu/memory.h>

#include <cstring>
#include <memory>

#include "apic.h"
#include "x86_test_support.h"

namespace emu::x86 {
namespace {

constexpr std::uint32_t kCount = 0x30000;  // the handler's counter

const char* const kTimerGuest = R"(
    mov edi, 0x20000 + 0x40 * 8      # IDT entry 0x40: interrupt gate to handler
    mov eax, offset handler
    mov edx, eax
    and eax, 0xFFFF
    or eax, 0x100000
    mov [edi], eax
    and edx, 0xFFFF0000
    or edx, 0x8E00
    mov [edi + 4], edx
    lidt [idtr]
    lgdt [gdtr]                      # the flat segments of the boot state, in memory
    mov dword ptr [0xFEE000F0], 0x1FF     # software enable
    mov dword ptr [0xFEE003E0], 0xB       # divide by 1
    mov dword ptr [0xFEE00320], 0x20040   # periodic, vector 0x40
    mov dword ptr [0xFEE00380], 10000     # every 10 us
    sti
wait:
    hlt
    cmp dword ptr [0x30000], 3
    jb wait
    cli
    mov dword ptr [0xFEE00380], 0
    hlt
handler:
    inc dword ptr [0x30000]
    mov dword ptr [0xFEE000B0], 0
    iretd
idtr:
    .word 0x7FF
    .long 0x20000
gdtr:
    .word 0x1F
    .long offset gdt
gdt:
    .quad 0, 0, 0x00CF9A000000FFFF, 0x00CF92000000FFFF
)";

TEST(ApicGuest, PeriodicTimerInterruptsWakeTheCpu) {
    EventLoop loop;
    loop.virtual_clock().set_manual(true);
    test::Machine machine;
    int kicks = 0;
    LocalApic apic(loop, 0, machine.core(), [&] { ++kicks; });
    machine.memory().root().add_subregion(0xFEE00000, apic.mmio(), 1);
    machine.core().set_interrupt_source(&apic);
    machine.start32(kTimerGuest);

    std::uint32_t count = 0;
    int halts = 0;
    for (int i = 0; i < 20 && count < 3; ++i) {
        ASSERT_EQ(machine.core().run(100000), StopReason::Halted)
            << "halts " << halts << " eip " << std::hex << machine.core().eip();
        ++halts;
        std::memcpy(&count, machine.ram() + kCount, 4);
        if (count < 3) loop.virtual_clock().step(10000);
    }
    EXPECT_EQ(count, 3u);
    EXPECT_EQ(halts, 4);  // the first HLT, then one wake-up per period
    EXPECT_GT(kicks, 0);
    // The guest stopped the timer and halted with interrupts off: nothing more.
    loop.virtual_clock().step(100000);
    EXPECT_FALSE(apic.interrupt_pending());
    machine.memory().root().remove_subregion(apic.mmio());
}

}  // namespace
}  // namespace emu::x86
