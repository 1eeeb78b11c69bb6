// The 93C46's Microwire state machine (see eeprom_93c46.h).
#include "eeprom_93c46.h"

namespace rtl8139 {

namespace {
constexpr unsigned kAddressBits = 6;
constexpr unsigned kCommandBits = 1 + 2 + kAddressBits;   // start, opcode, address
enum Opcode : unsigned { kExtended = 0, kWrite = 1, kRead = 2, kErase = 3 };
// Extended commands: opcode 00 and the two top address bits.
enum Extended : unsigned { kDisableWrites = 0, kWriteAll = 1, kEraseAll = 2, kEnableWrites = 3 };
}  // namespace

void Eeprom93c46::reset_state() {
    state_ = State::Idle;
    sk_ = false;
    data_out_ = true;
    bits_ = 0;
    shift_ = 0;
    data_bit_ = 0;
}

void Eeprom93c46::set_pins(bool cs, bool sk, bool di) {
    if (!cs) {
        const bool keep_enable = write_enabled_;
        reset_state();
        write_enabled_ = keep_enable;
        return;
    }
    const bool rising = sk && !sk_;
    sk_ = sk;
    if (!rising) return;

    switch (state_) {
    case State::Idle:
        if (!di) return;             // leading zeros before the start bit are ignored
        state_ = State::Command;
        bits_ = 1;
        shift_ = 1;
        return;
    case State::Command:
        shift_ = shift_ << 1 | (di ? 1u : 0u);
        if (++bits_ == kCommandBits) execute_command();
        return;
    case State::ReadData:
        if (data_bit_ == 0) {        // sequential read: on to the next word
            address_ = (address_ + 1) % kWords;
            data_ = words_[address_];
            data_bit_ = 16;
        }
        --data_bit_;
        data_out_ = (data_ >> data_bit_) & 1;
        return;
    case State::WriteData:
        data_ = static_cast<std::uint16_t>(data_ << 1 | (di ? 1 : 0));
        if (++data_bit_ < 16) return;
        if (write_enabled_) {
            if (opcode_ == kWrite)
                words_[address_] = data_;
            else
                words_.fill(data_);  // WRAL
        }
        data_out_ = true;            // ready
        state_ = State::Idle;
        return;
    }
}

void Eeprom93c46::execute_command() {
    opcode_ = (shift_ >> kAddressBits) & 3;
    address_ = shift_ & (kWords - 1);
    switch (opcode_) {
    case kRead:
        state_ = State::ReadData;
        data_ = words_[address_];
        data_bit_ = 16;
        data_out_ = false;           // the dummy 0 before the data
        return;
    case kWrite:
        state_ = State::WriteData;
        data_ = 0;
        data_bit_ = 0;
        return;
    case kErase:
        if (write_enabled_) words_[address_] = 0xffff;
        state_ = State::Idle;
        return;
    default:
        break;
    }
    switch (address_ >> (kAddressBits - 2)) {
    case kEnableWrites: write_enabled_ = true; break;
    case kDisableWrites: write_enabled_ = false; break;
    case kEraseAll:
        if (write_enabled_) words_.fill(0xffff);
        break;
    case kWriteAll:
        opcode_ = kExtended;
        state_ = State::WriteData;
        data_ = 0;
        data_bit_ = 0;
        return;
    }
    state_ = State::Idle;
}

}  // namespace rtl8139
