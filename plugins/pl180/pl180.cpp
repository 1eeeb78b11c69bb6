// ARM PrimeCell multimedia card interface (PL180), with its slot empty.
//
// Type "pl180"; no properties: emu has no SD card model yet, so the slot is always empty.
//
// Wiring, for boards:
//   mmio(0)                 4 KiB of registers
//   gpio_out("", 0)         MCIINTR0 (Status & Mask0)
//   gpio_out("", 1)         MCIINTR1 (Status & Mask1)
//   gpio_out("card-detect", 0), gpio_out("write-protect", 0): the slot's switches (low: no card;
//                           vexpress routes them to the system registers' SYS_MCI)
//
// Model (PL180 TRM, 3.3): the register file a driver probes and drives. A command sent with the
// command path state machine enabled (Command.Enable) completes at once: with no card nothing
// answers, so a command that expects a response ends in CmdTimeOut and one that does not in
// CmdSent, as on the hardware with an empty slot. Data transfers never start (DataCtrl is only
// stored; the FIFO reads zero). Clear clears the static Status flags.
#include <emu/device.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

enum : unsigned {
    kPower = 0x00, kClock = 0x04, kArgument = 0x08, kCommand = 0x0c, kRespCmd = 0x10,
    kResponse0 = 0x14, kResponse3 = 0x20, kDataTimer = 0x24, kDataLength = 0x28, kDataCtrl = 0x2c,
    kDataCnt = 0x30, kStatus = 0x34, kClear = 0x38, kMask0 = 0x3c, kMask1 = 0x40,
    kFifoCnt = 0x48, kFifo = 0x80, kFifoEnd = 0xc0,
};
// Command bits.
constexpr u32 kCmdIndex = 0x3f, kCmdResponse = 1u << 6, kCmdEnable = 1u << 10;
// Status bits.
constexpr u32 kStCmdTimeOut = 1u << 2, kStCmdSent = 1u << 7;
constexpr u32 kStaticFlags = 0x7ff;   // bits Clear can clear
constexpr u32 kStatusMask = 0x3fffff;
// PeriphID0..3 and PCellID0..3 at 0xfe0..0xffc: 0x00041180 and 0xb105f00d.
constexpr std::array<u32, 8> kId = {0x80, 0x11, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

class Pl180 final : public emu::Device {
public:
    Pl180() {
        regs_ = emu::MemoryRegion::mmio(
            "pl180", 0x1000,
            {.read = [this](emu::Addr offset, unsigned) -> u64 { return read(static_cast<unsigned>(offset)); },
             .write = [this](emu::Addr offset, u64 value, unsigned) {
                 write(static_cast<unsigned>(offset), static_cast<u32>(value));
             },
             .valid_min = 4, .valid_max = 4, .impl_min = 4, .impl_max = 4});
        init_mmio(*regs_);
        init_gpio_out("", &irq_);
        init_gpio_out("card-detect", &card_detect_);
        init_gpio_out("write-protect", &write_protect_);
    }

    void reset() override {
        power_ = clock_ = argument_ = command_ = resp_cmd_ = data_timer_ = data_length_ = data_ctrl_ = 0;
        status_ = mask0_ = mask1_ = 0;
        update();
        card_detect_[0].set(false);
        write_protect_[0].set(false);
    }

protected:
    void do_realize() override { reset(); }

private:
    u64 read(unsigned offset) const {
        switch (offset) {
        case kPower: return power_;
        case kClock: return clock_;
        case kArgument: return argument_;
        case kCommand: return command_;
        case kRespCmd: return resp_cmd_;
        case kDataTimer: return data_timer_;
        case kDataLength: return data_length_;
        case kDataCtrl: return data_ctrl_;
        case kDataCnt: return 0;
        case kStatus: return status_;
        case kMask0: return mask0_;
        case kMask1: return mask1_;
        case kFifoCnt: return 0;
        default: break;
        }
        if (offset >= kResponse0 && offset <= kResponse3) return 0;  // no card ever answered
        if (offset >= 0xfe0 && offset < 0x1000) return kId[(offset - 0xfe0) / 4];
        return 0;  // the FIFO (no data) and reserved space
    }

    void write(unsigned offset, u32 value) {
        switch (offset) {
        case kPower: power_ = value & 0xff; break;
        case kClock: clock_ = value & 0xfff; break;
        case kArgument: argument_ = value; break;
        case kCommand:
            command_ = value & 0x7ff;
            if (command_ & kCmdEnable) send_command();
            break;
        case kDataTimer: data_timer_ = value; break;
        case kDataLength: data_length_ = value & 0xffff; break;
        case kDataCtrl: data_ctrl_ = value & 0xff; break;
        case kClear: status_ &= ~(value & kStaticFlags); break;
        case kMask0: mask0_ = value & kStatusMask; break;
        case kMask1: mask1_ = value & kStatusMask; break;
        default: return;  // read-only, the FIFO (nowhere to send data) and reserved space
        }
        update();
    }

    // The empty slot: no response ever arrives.
    void send_command() {
        resp_cmd_ = command_ & kCmdIndex;
        status_ |= (command_ & kCmdResponse) ? kStCmdTimeOut : kStCmdSent;
    }

    void update() {
        const bool levels[2] = {(status_ & mask0_) != 0, (status_ & mask1_) != 0};
        for (unsigned i = 0; i < 2; ++i) {
            if (levels[i] == level_[i]) continue;
            level_[i] = levels[i];
            irq_[i].set(levels[i]);
        }
    }

    u32 power_ = 0, clock_ = 0, argument_ = 0, command_ = 0, resp_cmd_ = 0, data_timer_ = 0,
        data_length_ = 0, data_ctrl_ = 0, status_ = 0, mask0_ = 0, mask1_ = 0;
    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(2);
    std::vector<emu::IrqLine> card_detect_ = std::vector<emu::IrqLine>(1);
    std::vector<emu::IrqLine> write_protect_ = std::vector<emu::IrqLine>(1);
    std::array<bool, 2> level_{};
    std::unique_ptr<emu::MemoryRegion> regs_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "pl180",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Storage,
               .description = "ARM PrimeCell multimedia card interface (PL180), slot empty",
               .factory = emu::factory_of<Pl180>(),
               .class_init = {}});
}

}  // namespace

EMU_PLUGIN(pl180, "1.0.0", "ARM PL180 MMC/SD host with an empty slot", "MIT", register_types);
