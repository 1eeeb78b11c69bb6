#include "ps2_device.h"

namespace pl050 {

namespace {
constexpr std::uint8_t kAck = 0xfa, kSelfTestPassed = 0xaa, kEcho = 0xee, kResend = 0xfe;
}

void Ps2Device::reset() {
    out_.clear();
    pending_command_ = 0;
    scan_set_ = 2;
    sample_rate_ = 100;
    resolution_ = 2;
    reporting_ = false;
    scaling_2to1_ = false;
}

void Ps2Device::answer(std::uint8_t byte) {
    if (out_.size() < kQueueLimit) out_.push_back(byte);
}

std::uint8_t Ps2Device::read() {
    if (out_.empty()) return 0;
    const std::uint8_t byte = out_.front();
    out_.pop_front();
    return byte;
}

void Ps2Device::write(std::uint8_t byte) {
    if (pending_command_) {
        const std::uint8_t cmd = pending_command_;
        pending_command_ = 0;
        answer(kAck);
        if (kind_ == Kind::Keyboard && cmd == 0xf0) {
            if (byte == 0)
                answer(scan_set_);
            else if (byte <= 3)
                scan_set_ = byte;
        } else if (kind_ == Kind::Mouse && cmd == 0xf3) {
            sample_rate_ = byte;
        } else if (kind_ == Kind::Mouse && cmd == 0xe8) {
            resolution_ = byte & 3;
        }
        return;  // keyboard 0xed (LEDs) and 0xf3 (typematic) just take the byte
    }
    command(byte);
}

void Ps2Device::command(std::uint8_t byte) {
    const bool keyboard = kind_ == Kind::Keyboard;
    switch (byte) {
    case 0xff:  // reset
        reset();
        answer(kAck);
        answer(kSelfTestPassed);
        if (!keyboard) answer(0x00);
        return;
    case 0xf2:  // identify
        answer(kAck);
        if (keyboard) {
            answer(0xab);
            answer(0x83);
        } else {
            answer(0x00);
        }
        return;
    case 0xf4: reporting_ = true; answer(kAck); return;
    case 0xf5: reporting_ = false; answer(kAck); return;
    case 0xf6:  // set defaults
        sample_rate_ = 100;
        resolution_ = 2;
        scaling_2to1_ = false;
        answer(kAck);
        return;
    case 0xee:
        if (keyboard) {
            answer(kEcho);
            return;
        }
        break;
    default: break;
    }
    if (keyboard) {
        switch (byte) {
        case 0xed: case 0xf3: case 0xf0: pending_command_ = byte; answer(kAck); return;
        case 0xf7: case 0xf8: case 0xf9: case 0xfa: case 0xfb: case 0xfc: case 0xfd: answer(kAck); return;
        default: answer(kResend); return;
        }
    }
    switch (byte) {
    case 0xe6: scaling_2to1_ = false; answer(kAck); return;
    case 0xe7: scaling_2to1_ = true; answer(kAck); return;
    case 0xe8: case 0xf3: pending_command_ = byte; answer(kAck); return;
    case 0xe9:  // status request: flags, resolution, sample rate
        answer(kAck);
        answer(static_cast<std::uint8_t>((reporting_ ? 0x20 : 0) | (scaling_2to1_ ? 0x10 : 0)));
        answer(resolution_);
        answer(sample_rate_);
        return;
    case 0xeb:  // read data: no movement, no buttons
        answer(kAck);
        answer(0x08);
        answer(0x00);
        answer(0x00);
        return;
    case 0xea: case 0xf0: case 0xec: case 0xee: answer(kAck); return;
    default: answer(kResend); return;
    }
}

}  // namespace pl050
