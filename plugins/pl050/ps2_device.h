// The PS/2 device behind a PL050: a keyboard or a mouse that answers the host's commands.
//
// Enough of the PS/2 command sets for a driver to probe and configure the device: reset
// (ACK, self-test passed 0xAA, plus the mouse's ID 0x00), identify, enable/disable reporting,
// defaults, echo, the keyboard's LED, typematic and scan-code-set commands and the mouse's
// resolution, scaling, sample-rate, status and read-data commands. Commands that take an
// argument ACK it too. Nobody types or moves the mouse: there is no input back end yet, so the
// device only ever sends answers.
#pragma once

#include <cstdint>
#include <deque>

namespace pl050 {

class Ps2Device {
public:
    enum class Kind { Keyboard, Mouse };
    explicit Ps2Device(Kind kind) : kind_(kind) {}

    // A byte from the host; the answer is queued for read().
    void write(std::uint8_t byte);
    bool has_data() const { return !out_.empty(); }
    std::uint8_t read();
    void reset();

    // Answers held at most (a host that never reads cannot grow the queue).
    static constexpr std::size_t kQueueLimit = 16;

private:
    void answer(std::uint8_t byte);
    void command(std::uint8_t byte);

    Kind kind_;
    std::deque<std::uint8_t> out_;
    std::uint8_t pending_command_ = 0;  // a command waiting for its argument byte
    std::uint8_t scan_set_ = 2, sample_rate_ = 100, resolution_ = 2;
    bool reporting_ = false, scaling_2to1_ = false;
};

}  // namespace pl050
