// A 93C46 serial EEPROM (64 words of 16 bits, 6 address bits), driven bit by bit through its
// four pins: CS, SK (clock), DI (data in) and DO (data out). Microwire protocol: with CS high,
// each rising edge of SK shifts in one bit of the command — a start bit (1), a two-bit opcode,
// six address bits — and, for READ, the chip answers with a dummy 0 on DO followed by the
// word's 16 bits, most significant first, one per rising edge (then the next word: sequential
// read). WRITE takes 16 more data bits; EWEN/EWDS enable and disable writes, ERASE/ERAL/WRAL
// as in the datasheet. CS low returns the chip to idle.
#pragma once

#include <array>
#include <cstdint>

namespace rtl8139 {

class Eeprom93c46 {
public:
    static constexpr unsigned kWords = 64;

    std::array<std::uint16_t, kWords>& contents() { return words_; }
    const std::array<std::uint16_t, kWords>& contents() const { return words_; }

    // New pin levels from the host (called on every write of Cfg9346 in programming mode).
    void set_pins(bool cs, bool sk, bool di);
    bool data_out() const { return data_out_; }
    void reset_state();

private:
    enum class State { Idle, Command, ReadData, WriteData };
    void execute_command();

    std::array<std::uint16_t, kWords> words_{};
    State state_ = State::Idle;
    bool sk_ = false;
    bool data_out_ = true;      // DO idles high ("ready")
    bool write_enabled_ = false;
    unsigned bits_ = 0;         // command bits received (start bit included)
    std::uint32_t shift_ = 0;
    unsigned address_ = 0;
    unsigned data_bit_ = 0;     // READ: bits of the current word still to send; WRITE: received
    std::uint16_t data_ = 0;
    unsigned opcode_ = 0;
};

}  // namespace rtl8139
