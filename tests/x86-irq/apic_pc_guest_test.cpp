// The whole legacy interrupt path of a PC with a software CPU: guest code on X86Core programs
// the 8259s and the 8254 through port I/O, the PIT's counter 0 raises IRQ 0 on the virtual
// clock, the 8259 drives LINT0 of the reset-state local APIC (ExtINT), the CPU takes the vector
// from the 8259's interrupt acknowledge and the handler ends it with an EOI to port 0x20.
#include <cstring>
#include <memory>

#include "apic.h"
#include "irq_bench.h"
#include "x86_test_support.h"

namespace emu_test {
namespace {

const char* const kPitGuest = R"(
    mov edi, 0x20000 + 0x20 * 8      # IDT entry 0x20 (IRQ 0 at vector base 0x20)
    mov eax, offset handler
    mov edx, eax
    and eax, 0xFFFF
    or eax, 0x100000
    mov [edi], eax
    and edx, 0xFFFF0000
    or edx, 0x8E00
    mov [edi + 4], edx
    lidt [idtr]
    lgdt [gdtr]
    mov al, 0x11                     # 8259s: ICW1-4, master at 0x20, slave at 0x28
    out 0x20, al
    out 0xA0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xA1, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01
    out 0x21, al
    out 0xA1, al
    mov al, 0xFE                     # only IRQ 0
    out 0x21, al
    mov al, 0xFF
    out 0xA1, al
    mov al, 0x34                     # PIT counter 0: mode 2, ~1 kHz
    out 0x43, al
    mov al, 0xA9
    out 0x40, al
    mov al, 0x04
    out 0x40, al
    sti
wait:
    hlt
    cmp dword ptr [0x30000], 3
    jb wait
    cli
    hlt
handler:
    push eax
    inc dword ptr [0x30000]
    mov al, 0x20
    out 0x20, al
    pop eax
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

class PcGuest : public IrqChipBench {
protected:
    PcGuest() {
        pit = &create("isa-pit", "pit");
        io_root->add_subregion(0x40, pit->mmio(0));
        io_root->add_subregion(0x61, pit->mmio(1));
        pit->connect_gpio_out("", 0, ic->gsi(0));
        ram = emu::MemoryRegion::ram("ram", 16u << 20);
        system->add_subregion(0, *ram);
        core = std::make_unique<emu::x86::X86Core>(*memory, io.get(), emu::x86::X86Config{});
        apic = std::make_unique<emu::x86::LocalApic>(loop, 0, *core, [] {});
        apic->set_bus(bus);
        bus->attach(*apic);
        system->add_subregion(0xFEE00000, apic->mmio(), 3);
        core->set_interrupt_source(apic.get());
    }
    ~PcGuest() override {
        emu::unrealize_tree(*root);
        system->remove_subregion(apic->mmio());
        system->remove_subregion(*ram);
    }

    emu::Device* pit = nullptr;
    std::unique_ptr<emu::MemoryRegion> ram;
    std::unique_ptr<emu::x86::X86Core> core;
    std::unique_ptr<emu::x86::LocalApic> apic;
};

TEST_F(PcGuest, PitInterruptsThroughThe8259AndExtInt) {
    const auto code = emu::x86::test::assemble(kPitGuest, 0x10000);
    std::memcpy(ram->data() + 0x10000, code.data(), code.size());
    const std::uint32_t args[8] = {0, 0, 0, 0, 0x80000, 0, 0, 0};  // ESP
    core->enter_flat32(0x10000, args);

    std::uint32_t count = 0;
    int halts = 0;
    for (int i = 0; i < 20 && count < 3; ++i) {
        ASSERT_EQ(core->run(1000000), emu::x86::StopReason::Halted) << "eip " << std::hex << core->eip();
        ++halts;
        std::memcpy(&count, ram->data() + 0x30000, 4);
        if (count < 3) step(1'000'000);
    }
    EXPECT_EQ(count, 3u);
    EXPECT_EQ(halts, 4);  // the first HLT, then one wake-up per PIT period
    out(0x20, 0x0B);
    EXPECT_EQ(in(0x20), 0u);  // every IRQ 0 was ended
}

}  // namespace
}  // namespace emu_test
