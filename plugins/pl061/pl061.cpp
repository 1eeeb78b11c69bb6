// ARM PrimeCell general-purpose I/O (PL061), as on the virt board (Linux: gpio-pl061).
//
// Type "pl061"; no properties; not user-creatable (boards create and wire it).
//
// Wiring, for boards:
//   mmio(0)            4 KiB of registers (1, 2 or 4-byte accesses; Linux uses byte accesses)
//   gpio_in("", 0..7)  the levels driven onto the eight pins from outside (a button, ...)
//   gpio_out("", 0..7) the eight pins as outputs: pin n's level while GPIODIR bit n is 1, low
//                      while it is an input (nothing else drives the line)
//   gpio_out("irq", 0) GPIOINTR, the combined interrupt ((GPIORIS & GPIOIE) != 0), a level
//
// Registers (PL061 TRM, DDI 0190):
//   0x000-0x3fc GPIODATA  address-masked: bits [9:2] of the offset select the pins an access
//                         touches. A read returns, for the selected pins, the output latch of
//                         output pins and the level on input pins (0 for the others); a write
//                         changes the latch of the selected pins that are outputs only.
//   0x400 GPIODIR  1 = output.          0x404 GPIOIS   1 = level-sensitive, 0 = edge.
//   0x408 GPIOIBE  1 = both edges.      0x40c GPIOIEV  1 = rising edge / high level.
//   0x410 GPIOIE   interrupt mask.      0x414 GPIORIS  raw status (read-only).
//   0x418 GPIOMIS  RIS & IE (read-only).0x41c GPIOIC   write 1 to clear an edge (write-only).
//   0x420 GPIOAFSEL stored only (no hardware control mode here).
//   0xfe0-0xffc PeriphID0..3 / PCellID0..3: 0x00041061, 0xb105f00d.
//
// Interrupt detection follows the TRM: it watches the pad levels, i.e. the latch of output pins
// and the external level of input pins. An edge-sensitive pin (IS=0) latches its RIS bit on
// either edge (IBE=1) or on the edge IEV selects (1 rising, 0 falling); only GPIOIC clears it.
// A level-sensitive pin's RIS bit is live: set while the level equals IEV, whatever GPIOIC says.
// Changing GPIODIR or the latch can make an edge like an external change does.
//
// Reset returns every register to 0 (all pins inputs, no interrupts, RIS clear). The levels
// driven from outside are wires, not registers: they survive a reset and reading GPIODATA
// shows them at once, without a spurious edge.
#include <emu/device.h>
#include <emu/lock.h>
#include <emu/memory.h>
#include <emu/plugin.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

using u8 = std::uint8_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr unsigned kPins = 8;

enum : unsigned {
    kDataEnd = 0x400,  // GPIODATA is 0x000..0x3fc
    kDir = 0x400, kIs = 0x404, kIbe = 0x408, kIev = 0x40c, kIe = 0x410, kRis = 0x414, kMis = 0x418,
    kIc = 0x41c, kAfsel = 0x420,
};
// PeriphID0..3 and PCellID0..3 at 0xfe0..0xffc: 0x00041061 and 0xb105f00d.
constexpr std::array<u32, 8> kId = {0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

class Pl061 final : public emu::Device {
public:
    Pl061() {
        regs_ = emu::MemoryRegion::mmio(
            "pl061", 0x1000,
            {.read = [this](emu::Addr offset, unsigned) -> u64 { return read(static_cast<unsigned>(offset)); },
             .write = [this](emu::Addr offset, u64 value, unsigned) {
                 write(static_cast<unsigned>(offset), static_cast<u32>(value));
             },
             .valid_min = 1, .valid_max = 4, .impl_min = 4, .impl_max = 4});
        init_mmio(*regs_);
        init_gpio_in("", kPins, [this](unsigned n, bool level) {
            emu::BigLockGuard lock;  // lines may be set from any thread
            const u8 bit = static_cast<u8>(1u << n);
            in_ = level ? static_cast<u8>(in_ | bit) : static_cast<u8>(in_ & ~bit);
            update();
        });
        init_gpio_out("", &out_lines_);
        init_gpio_out("irq", &irq_);
    }

    void reset() override {
        out_ = dir_ = is_ = ibe_ = iev_ = ie_ = afsel_ = edge_ris_ = 0;
        pads_ = pads();  // no edge from the reset itself
        update();
    }

protected:
    void do_realize() override { reset(); }

private:
    // What the pins carry: the latch on outputs, the external level on inputs.
    u8 pads() const { return static_cast<u8>((out_ & dir_) | (in_ & ~dir_)); }
    u8 ris() const {
        const u8 level = static_cast<u8>(~(pads_ ^ iev_) & is_);
        return static_cast<u8>((edge_ris_ & ~is_) | level);
    }

    u64 read(unsigned offset) {
        if (offset < kDataEnd) return pads_ & ((offset >> 2) & 0xff);
        switch (offset) {
        case kDir: return dir_;
        case kIs: return is_;
        case kIbe: return ibe_;
        case kIev: return iev_;
        case kIe: return ie_;
        case kRis: return ris();
        case kMis: return ris() & ie_;
        case kAfsel: return afsel_;
        default: break;
        }
        if (offset >= 0xfe0 && offset < 0x1000) return kId[(offset - 0xfe0) / 4];
        return 0;  // GPIOIC is write-only; the rest is reserved
    }

    void write(unsigned offset, u32 value) {
        const u8 v = static_cast<u8>(value);
        if (offset < kDataEnd) {
            const u8 mask = static_cast<u8>((offset >> 2) & dir_);
            out_ = static_cast<u8>((out_ & ~mask) | (v & mask));
            update();
            return;
        }
        switch (offset) {
        case kDir: dir_ = v; break;
        case kIs:
            is_ = v;
            edge_ris_ &= static_cast<u8>(~is_);  // a level-sensitive pin has no latched edge
            break;
        case kIbe: ibe_ = v; break;
        case kIev: iev_ = v; break;
        case kIe: ie_ = v; break;
        case kIc: edge_ris_ &= static_cast<u8>(~v); break;
        case kAfsel: afsel_ = v; break;
        default: return;  // RIS, MIS, the IDs and reserved offsets are read-only
        }
        update();
    }

    // Detect edges on the pads, drive the output lines and the interrupt.
    void update() {
        const u8 now = pads();
        const u8 changed = static_cast<u8>(pads_ ^ now);
        if (changed) {
            const u8 rising = static_cast<u8>(changed & now), falling = static_cast<u8>(changed & ~now);
            const u8 selected = static_cast<u8>((rising & iev_) | (falling & ~iev_));
            edge_ris_ |= static_cast<u8>(((changed & ibe_) | (selected & ~ibe_)) & ~is_);
            pads_ = now;
        }
        const u8 driven = static_cast<u8>(out_ & dir_);
        const u8 toggled = static_cast<u8>(driven ^ driven_);
        driven_ = driven;
        for (unsigned n = 0; n < kPins; ++n)
            if (toggled & (1u << n)) out_lines_[n].set((driven >> n) & 1);
        const bool level = (ris() & ie_) != 0;
        if (level != irq_level_) {
            irq_level_ = level;
            irq_[0].set(level);
        }
    }

    u8 out_ = 0;       // output latch (GPIODATA as written)
    u8 in_ = 0;        // levels driven from outside through gpio_in
    u8 pads_ = 0;      // pad levels at the last update (edge detection)
    u8 driven_ = 0;    // levels last put on the output lines
    u8 dir_ = 0, is_ = 0, ibe_ = 0, iev_ = 0, ie_ = 0, afsel_ = 0;
    u8 edge_ris_ = 0;  // latched edge interrupts

    std::vector<emu::IrqLine> out_lines_ = std::vector<emu::IrqLine>(kPins);
    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(1);
    bool irq_level_ = false;
    std::unique_ptr<emu::MemoryRegion> regs_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "pl061",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Misc,
               .description = "ARM PrimeCell general-purpose I/O (PL061)",
               .factory = emu::factory_of<Pl061>(),
               .class_init = {}});
}

}  // namespace

EMU_PLUGIN(pl061, "1.0.0", "ARM PrimeCell PL061 GPIO controller", "MIT", register_types);
