// The 8042 PS/2 keyboard controller of the PC, with a keyboard and an empty mouse port.
//
// Type "i8042"; no properties; created by boards only. A machine is needed for the reset lines.
//
// Wiring, for boards:
//   mmio(0)            data port (1 I/O port), mapped at 0x60
//   mmio(1)            status (read) / command (write) port (1 I/O port), mapped at 0x64
//   gpio_out("", 0)    keyboard interrupt, ISA IRQ 1: high while the output buffer holds a byte
//                      from the keyboard (or the controller) and command byte bit 0 is set
//   gpio_out("", 1)    mouse (AUX) interrupt, ISA IRQ 12: the same for AUX bytes and bit 1
//   gpio_out("a20", 0) output port bit 1, the A20 gate: high = enabled. High after reset
//                      (output port 0xcf, as QEMU); the board ORs it with port92's A20 output.
// The board maps nothing else (port 0x61 is not the 8042's).
//
// Controller: status register (OBF, SYS, A2 = last write was a command, keyboard not inhibited,
// AUX-OBF, timeout), command byte and the rest of its 32 bytes of RAM (0x20-0x3f read, 0x60-0x7f
// write), self-test 0xaa -> 0x55 (sets SYS), interface tests 0xab/0xa9 -> 0x00, 0xa4 -> 0xf1 (no
// password), disable/enable keyboard 0xad/0xae and AUX 0xa7/0xa8 (command byte bits 4/5), input
// port 0xc0 and test inputs 0xe0 -> 0x00, output port read/write 0xd0/0xd1 (bit 0 low resets the
// machine, bit 1 is A20; bits 4/5 read the output-buffer-full lines), 0xdd/0xdf A20 off/on,
// write keyboard/AUX output buffer 0xd2/0xd3, write to AUX device 0xd4, pulse output lines
// 0xf0-0xff (bit 0 clear, e.g. 0xfe, pulses reset): a reset is Machine::request_reset(), which
// honours -no-reboot. Commands complete at once (IBF always reads 0). Output bytes wait in
// queues: the controller's own replies first, then the keyboard's (while the keyboard interface
// is enabled), then the mouse's; the output buffer shows one byte, and reading it lowers the
// interrupt line before the next byte is loaded, so each byte is a fresh edge.
// Keyboard (an MF2 keyboard with no keys pressed: no input source is attached yet): reset 0xff ->
// 0xfa 0xaa, identify 0xf2 -> 0xfa 0xab 0x83 (0x41 when the controller translates, command byte
// bit 6), echo 0xee -> 0xee, set LEDs 0xed and typematic 0xf3 (with their argument), scan code
// set 0xf0 (0 reads it back), enable 0xf4, disable 0xf5, defaults 0xf6, the set-3 key-type
// commands 0xf7-0xfd and resend 0xfe -> 0xfa (resend repeats the last byte); anything else
// -> 0xfe. Writing to the data port with no command pending sends to the keyboard and enables
// its interface, as on real controllers.
// Mouse: none. A byte for it (0xd4) times out: the controller answers 0xfe as an AUX byte with
// the status timeout bit, which is how a PS/2 port with nothing plugged in answers.
#include <emu/device.h>
#include <emu/machine.h>
#include <emu/memory.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace {

using u8 = std::uint8_t;
using u64 = std::uint64_t;

// Status register.
constexpr u8 kStatObf = 0x01, kStatSys = 0x04, kStatCmd = 0x08, kStatUnlocked = 0x10, kStatAuxObf = 0x20,
             kStatTimeout = 0x40;
// Command byte.
constexpr u8 kCbKbdInt = 0x01, kCbAuxInt = 0x02, kCbSys = 0x04, kCbKbdDisable = 0x10, kCbAuxDisable = 0x20,
             kCbTranslate = 0x40;
// Output port.
constexpr u8 kOutReset = 0x01, kOutA20 = 0x02, kOutKbdObf = 0x10, kOutAuxObf = 0x20, kOutInitial = 0xcf;

// Controller commands.
enum : u8 {
    kCmdReadRam = 0x20, kCmdWriteRam = 0x60, kCmdPassword = 0xa4, kCmdAuxDisable = 0xa7, kCmdAuxEnable = 0xa8,
    kCmdAuxTest = 0xa9, kCmdSelfTest = 0xaa, kCmdKbdTest = 0xab, kCmdKbdDisable = 0xad, kCmdKbdEnable = 0xae,
    kCmdReadInput = 0xc0, kCmdReadOutput = 0xd0, kCmdWriteOutput = 0xd1, kCmdWriteKbdOb = 0xd2,
    kCmdWriteAuxOb = 0xd3, kCmdWriteAux = 0xd4, kCmdA20Off = 0xdd, kCmdA20On = 0xdf, kCmdReadTest = 0xe0,
};

// Keyboard commands and replies.
enum : u8 {
    kKbdSetLeds = 0xed, kKbdEcho = 0xee, kKbdScanSet = 0xf0, kKbdIdentify = 0xf2, kKbdTypematic = 0xf3,
    kKbdEnable = 0xf4, kKbdDisable = 0xf5, kKbdDefaults = 0xf6, kKbdResend = 0xfe, kKbdReset = 0xff,
};
constexpr u8 kAck = 0xfa, kBatOk = 0xaa, kNak = 0xfe;

// A byte waiting for the output buffer.
struct OutByte {
    u8 value;
    bool aux;      // from (or for) the AUX port: AUX-OBF and IRQ 12
    bool timeout;  // the AUX device did not answer
};

class I8042 final : public emu::Device {
public:
    I8042() {
        data_ = emu::MemoryRegion::mmio(
            "i8042-data", 1,
            {.read = [this](emu::Addr, unsigned) -> u64 { return read_data(); },
             .write = [this](emu::Addr, u64 value, unsigned) { write_data(static_cast<u8>(value)); },
             .valid_min = 1, .valid_max = 4, .impl_min = 1, .impl_max = 1, .unaligned = true});
        command_ = emu::MemoryRegion::mmio(
            "i8042-cmd", 1,
            {.read = [this](emu::Addr, unsigned) -> u64 { return status(); },
             .write = [this](emu::Addr, u64 value, unsigned) { write_command(static_cast<u8>(value)); },
             .valid_min = 1, .valid_max = 4, .impl_min = 1, .impl_max = 1, .unaligned = true});
        init_mmio(*data_);
        init_mmio(*command_);
        init_gpio_out("", &irq_);
        init_gpio_out("a20", &a20_);
    }

    void reset() override {
        reset_state();
        update_irq();
        a20_[0].set(outport_ & kOutA20);
    }

protected:
    void do_realize() override { reset_state(); }

private:
    void reset_state() {
        ram_.fill(0);
        ram_[0] = kCbKbdInt | kCbAuxInt;
        status_ = kStatCmd;
        outport_ = kOutInitial;
        pending_command_ = 0;
        has_ob_ = false;
        ob_ = {0, false, false};
        controller_.clear();
        keyboard_.clear();
        aux_.clear();
        reset_keyboard();
        kbd_pending_ = 0;
        kbd_last_ = kAck;
    }

    void reset_keyboard() {
        scan_set_ = 2;
        scanning_ = true;
    }

    u8 command_byte() const { return ram_[0]; }

    // ---- Output buffer ----

    u8 status() const {
        u8 s = static_cast<u8>(status_ | kStatUnlocked);
        if (command_byte() & kCbSys) s |= kStatSys;
        if (has_ob_) {
            s |= kStatObf;
            if (ob_.aux) s |= kStatAuxObf;
            if (ob_.timeout) s |= kStatTimeout;
        }
        return s;
    }

    // Move the next waiting byte into an empty output buffer.
    void refill() {
        if (has_ob_) return;
        if (!controller_.empty()) {
            ob_ = controller_.front();
            controller_.pop_front();
        } else if (!keyboard_.empty() && !(command_byte() & kCbKbdDisable)) {
            ob_ = {translate(keyboard_.front()), false, false};
            keyboard_.pop_front();
        } else if (!aux_.empty() && !(command_byte() & kCbAuxDisable)) {
            ob_ = {aux_.front(), true, false};
            aux_.pop_front();
        } else {
            return;
        }
        has_ob_ = true;
    }

    void update_irq() {
        refill();
        const bool kbd = has_ob_ && !ob_.aux && (command_byte() & kCbKbdInt);
        const bool aux = has_ob_ && ob_.aux && (command_byte() & kCbAuxInt);
        set_line(0, kbd);
        set_line(1, aux);
    }

    void set_line(unsigned n, bool level) {
        if (irq_level_[n] == level) return;
        irq_level_[n] = level;
        irq_[n].set(level);
    }

    u8 read_data() {
        if (!has_ob_) return ob_.value;  // nothing new: the last byte again
        has_ob_ = false;
        // Lower the lines first, so that loading the next byte is a new edge.
        set_line(0, false);
        set_line(1, false);
        const u8 value = ob_.value;
        update_irq();
        return value;
    }

    // With translation on, the controller turns scan-code-set-2 bytes into set 1. The keyboard
    // sends no key codes yet, only replies: of those the ID byte and the scan-set numbers change.
    u8 translate(u8 byte) const {
        if (!(command_byte() & kCbTranslate)) return byte;
        switch (byte) {
        case 0x83: return 0x41;
        case 0x01: return 0x43;
        case 0x02: return 0x41;
        case 0x03: return 0x3f;
        default: return byte;
        }
    }

    void reply(u8 value, bool aux = false, bool timeout = false) {
        controller_.push_back({value, aux, timeout});
        update_irq();
    }

    // ---- Controller commands ----

    void write_command(u8 command) {
        status_ |= kStatCmd;
        pending_command_ = 0;
        if (command >= kCmdReadRam && command < kCmdReadRam + 0x20) {
            reply(ram_[command - kCmdReadRam]);
            return;
        }
        if (command >= kCmdWriteRam && command < kCmdWriteRam + 0x20) {
            pending_command_ = command;
            return;
        }
        if (command >= 0xf0) {  // pulse output port bits 3..0 that are 0: bit 0 is the reset line
            if (!(command & 1)) request_reset();
            return;
        }
        switch (command) {
        case kCmdPassword: reply(0xf1); break;  // no password installed
        case kCmdAuxDisable: set_command_byte(command_byte() | kCbAuxDisable); break;
        case kCmdAuxEnable: set_command_byte(command_byte() & ~kCbAuxDisable); break;
        case kCmdAuxTest: reply(0x00); break;
        case kCmdSelfTest:
            ram_[0] |= kCbSys;
            reply(0x55);
            break;
        case kCmdKbdTest: reply(0x00); break;
        case kCmdKbdDisable: set_command_byte(command_byte() | kCbKbdDisable); break;
        case kCmdKbdEnable: set_command_byte(command_byte() & ~kCbKbdDisable); break;
        case kCmdReadInput: reply(0x00); break;
        case kCmdReadOutput: {
            u8 value = outport_ & static_cast<u8>(~(kOutKbdObf | kOutAuxObf));
            if (has_ob_) value |= ob_.aux ? kOutAuxObf : kOutKbdObf;
            reply(value);
            break;
        }
        case kCmdWriteOutput:
        case kCmdWriteKbdOb:
        case kCmdWriteAuxOb:
        case kCmdWriteAux: pending_command_ = command; break;
        case kCmdA20Off: write_outport(outport_ & ~kOutA20); break;
        case kCmdA20On: write_outport(outport_ | kOutA20); break;
        case kCmdReadTest: reply(0x00); break;
        default: break;  // unknown commands are ignored
        }
    }

    void set_command_byte(unsigned value) {
        ram_[0] = static_cast<u8>(value);
        update_irq();
    }

    void write_outport(unsigned value) {
        const u8 old = outport_;
        outport_ = static_cast<u8>(value);
        if ((old ^ outport_) & kOutA20) a20_[0].set(outport_ & kOutA20);
        if (!(outport_ & kOutReset)) {
            request_reset();
            outport_ |= kOutReset;  // the pulse ends; the controller comes back from reset with it high
        }
    }

    void request_reset() {
        if (emu::Machine* m = machine()) m->request_reset();
    }

    void write_data(u8 value) {
        status_ &= static_cast<u8>(~kStatCmd);
        const u8 command = pending_command_;
        pending_command_ = 0;
        if (command >= kCmdWriteRam && command < kCmdWriteRam + 0x20) {
            if (command == kCmdWriteRam) set_command_byte(value & 0x7f);  // bit 7 is reserved
            else ram_[command - kCmdWriteRam] = value;
            return;
        }
        switch (command) {
        case kCmdWriteOutput: write_outport(value); return;
        case kCmdWriteKbdOb: reply(value); return;
        case kCmdWriteAuxOb: reply(value, true); return;
        case kCmdWriteAux: reply(kNak, true, true); return;  // no mouse: the transmission times out
        default: break;
        }
        // To the keyboard; sending to it re-enables its interface.
        ram_[0] &= static_cast<u8>(~kCbKbdDisable);
        keyboard_command(value);
        update_irq();
    }

    // ---- The keyboard ----

    void send(u8 value) {
        keyboard_.push_back(value);
        kbd_last_ = value;
    }

    void keyboard_command(u8 value) {
        if (kbd_pending_) {  // the argument of the previous command
            const u8 command = kbd_pending_;
            kbd_pending_ = 0;
            if (command == kKbdScanSet) {
                if (value == 0) {
                    send(kAck);
                    send(scan_set_);
                    return;
                }
                if (value <= 3) {
                    scan_set_ = value;
                    send(kAck);
                    return;
                }
                send(kNak);
                return;
            }
            if (value < kKbdSetLeds) {  // LEDs or typematic rate: taken
                send(kAck);
                return;
            }
            // A command byte instead of the expected argument: run it.
        }
        switch (value) {
        case kKbdSetLeds:
        case kKbdTypematic:
        case kKbdScanSet:
            kbd_pending_ = value;
            send(kAck);
            break;
        case kKbdEcho: send(kKbdEcho); break;
        case kKbdIdentify:
            send(kAck);
            send(0xab);
            send(0x83);
            break;
        case kKbdEnable:
            scanning_ = true;
            send(kAck);
            break;
        case kKbdDisable:
            reset_keyboard();
            scanning_ = false;
            send(kAck);
            break;
        case kKbdDefaults:
            reset_keyboard();
            send(kAck);
            break;
        case kKbdResend: keyboard_.push_back(kbd_last_); break;
        case kKbdReset:
            keyboard_.clear();
            reset_keyboard();
            send(kAck);
            send(kBatOk);
            break;
        default:
            if (value >= 0xf7 && value <= 0xfd) send(kAck);  // set-3 key types: accepted
            else send(kNak);
            break;
        }
    }

    std::array<u8, 32> ram_{};  // byte 0 is the command byte
    u8 status_ = kStatCmd;      // A2 (last write was a command); the rest is computed
    u8 outport_ = kOutInitial;
    u8 pending_command_ = 0;    // a controller command waiting for its data byte
    bool has_ob_ = false;
    OutByte ob_{0, false, false};
    std::deque<OutByte> controller_;
    std::deque<u8> keyboard_, aux_;  // aux_ stays empty: no mouse

    u8 kbd_pending_ = 0;  // a keyboard command waiting for its argument
    u8 kbd_last_ = kAck;
    u8 scan_set_ = 2;
    bool scanning_ = true;

    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(2);
    std::array<bool, 2> irq_level_{};
    std::vector<emu::IrqLine> a20_ = std::vector<emu::IrqLine>(1);
    std::unique_ptr<emu::MemoryRegion> data_, command_;
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "i8042",
               .parent = "device",
               .user_creatable = false,
               .category = emu::Category::Input,
               .description = "8042 PS/2 keyboard controller with keyboard",
               .factory = emu::factory_of<I8042>(),
               .class_init = {}});
}

}  // namespace

EMU_PLUGIN(i8042, "1.0.0", "8042 PS/2 keyboard controller (i8042)", "MIT", register_types);
