#include "eeprom.h"

#include "e1000_regs.h"

namespace e1000 {

namespace {

// Word addresses (SDM table 5-2, 8254x EEPROM map).
constexpr unsigned kEthernetAddress = 0x00;   // 3 words, little-endian byte pairs
constexpr unsigned kIdLedSettings = 0x04;     // 0xffff: the driver uses its defaults
constexpr unsigned kPbaNumber = 0x08;         // 2 words
constexpr unsigned kInitControl1 = 0x0a;
constexpr unsigned kSubsystemId = 0x0b;
constexpr unsigned kSubsystemVendorId = 0x0c;
constexpr unsigned kDeviceId = 0x0d;
constexpr unsigned kVendorId = 0x0e;
constexpr unsigned kInitControl2 = 0x0f;
constexpr unsigned kInitControl3PortA = 0x24;
constexpr unsigned kChecksum = 0x3f;

// Init control 1: signature 01b in bits 15:14, load the subsystem and device IDs.
constexpr std::uint16_t kInitControl1Value = 0x4000 | 0x0003;
// Init control 2: PAUSE and ASM_DIR advertised (bits 13:12), so drivers use full flow control.
constexpr std::uint16_t kInitControl2Value = 0x3000;
// Init control 3: no APME (wake-on-LAN is not modelled).
constexpr std::uint16_t kInitControl3Value = 0x0000;

constexpr unsigned kAddressBits = 6;        // 64 words
constexpr unsigned kOpcodeBits = 3;         // start bit + 2-bit opcode
constexpr std::uint32_t kOpcodeRead = 0x6;  // 1 10

constexpr std::uint32_t kDrivenBits = eecd::kSk | eecd::kCs | eecd::kDi | eecd::kFwe | eecd::kReq;

}  // namespace

void Eeprom::load(const emu::MacAddress& mac, const Ids& ids) {
    words_.fill(0xffff);  // unprogrammed words
    for (unsigned i = 0; i < 3; ++i)
        words_[kEthernetAddress + i] =
            static_cast<std::uint16_t>(mac.bytes[2 * i] | (mac.bytes[2 * i + 1] << 8));
    words_[0x03] = 0x0000;
    words_[kIdLedSettings] = 0xffff;
    words_[0x05] = 0x0000;
    words_[0x06] = words_[0x07] = 0x0000;
    words_[kPbaNumber] = 0x0000;
    words_[kPbaNumber + 1] = 0x0000;
    words_[kInitControl1] = kInitControl1Value;
    words_[kSubsystemId] = ids.subsystem_id;
    words_[kSubsystemVendorId] = ids.subsystem_vendor_id;
    words_[kDeviceId] = ids.device_id;
    words_[kVendorId] = ids.vendor_id;
    words_[kInitControl2] = kInitControl2Value;
    words_[kInitControl3PortA] = kInitControl3Value;
    std::uint16_t sum = 0;
    for (unsigned i = 0; i < kChecksum; ++i) sum = static_cast<std::uint16_t>(sum + words_[i]);
    words_[kChecksum] = static_cast<std::uint16_t>(kChecksumTarget - sum);
}

std::uint32_t Eeprom::eecd() const {
    std::uint32_t value = pins_ | eecd::kPres;
    if (pins_ & eecd::kReq) value |= eecd::kGnt;
    if (reading_ && (pins_ & eecd::kCs)) {
        const unsigned word_index = (read_bit_ >> 4) % kWords;  // reads run on past the end, wrapping
        const unsigned bit = 15 - (read_bit_ & 0xf);
        if ((words_[word_index] >> bit) & 1) value |= eecd::kDo;
    }
    return value;
}

// Microwire (93C46 data sheet): the part samples DI on SK's rising edge while CS is high. A
// READ is the start bit and opcode (1 10) and a 6-bit address; from then on DO presents the
// word's bits MSB first, the next one after each falling edge of SK, running on into the
// following words for as long as CS stays high.
void Eeprom::write_eecd(std::uint32_t value) {
    const std::uint32_t old = pins_;
    pins_ = value & kDrivenBits;
    if (!(pins_ & eecd::kCs)) {  // deselected: the part goes back to waiting for a start bit
        bits_in_ = 0;
        shift_in_ = 0;
        reading_ = false;
        return;
    }
    if (!(old & eecd::kCs)) {    // just selected
        bits_in_ = 0;
        shift_in_ = 0;
        reading_ = false;
    }
    const bool rising = !(old & eecd::kSk) && (pins_ & eecd::kSk);
    const bool falling = (old & eecd::kSk) && !(pins_ & eecd::kSk);
    if (falling && reading_) {
        ++read_bit_;
        return;
    }
    if (!rising || reading_) return;
    // Leading zeros before the start bit are ignored.
    if (bits_in_ == 0 && !(pins_ & eecd::kDi)) return;
    shift_in_ = (shift_in_ << 1) | ((pins_ & eecd::kDi) ? 1u : 0u);
    if (++bits_in_ == kOpcodeBits + kAddressBits) {
        const std::uint32_t opcode = shift_in_ >> kAddressBits;
        const std::uint32_t address = shift_in_ & ((1u << kAddressBits) - 1);
        if (opcode == kOpcodeRead) {
            reading_ = true;
            // The falling edge that ends the last address bit moves to bit 15 of the word.
            read_bit_ = (address << 4) - 1;
        }
        // Writes and the erase/enable commands are not modelled: the image is read-only, as
        // drivers never need to write it. The part then waits for CS to drop.
        bits_in_ = kOpcodeBits + kAddressBits + 1;
    }
}

void Eeprom::write_eerd(std::uint32_t value) {
    if (!(value & eerd::kStart)) {
        eerd_ = value & ~(eerd::kDone | (0xffffu << eerd::kDataShift));
        return;
    }
    const unsigned address = (value >> eerd::kAddrShift) & eerd::kAddrMask;
    eerd_ = (value & (eerd::kAddrMask << eerd::kAddrShift)) | eerd::kDone |
            (std::uint32_t{word(address)} << eerd::kDataShift);
}

void Eeprom::reset_interface() {
    pins_ = 0;
    bits_in_ = 0;
    shift_in_ = 0;
    reading_ = false;
    read_bit_ = 0;
    eerd_ = 0;
}

}  // namespace e1000
