// QEMU's stream framing for -netdev socket: each frame is a 4-byte big-endian length, then the
// frame. Bytes arrive in arbitrary pieces; StreamDecoder hands back whole frames.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace emu_net_socket {

// The length prefix of one frame.
std::array<std::uint8_t, 4> frame_header(std::size_t length);

class StreamDecoder {
public:
    enum class Status { Frame, NeedMore, TooLong };

    explicit StreamDecoder(std::size_t max_frame) : max_frame_(max_frame) {}

    void append(const std::uint8_t* data, std::size_t length) { buffer_.insert(buffer_.end(), data, data + length); }
    // The next whole frame (valid until the next call), or why there is none. TooLong: the peer
    // announced a frame longer than max_frame; the stream cannot be trusted any more.
    Status next(std::span<const std::uint8_t>& frame);
    std::size_t buffered() const { return buffer_.size() - consumed_; }
    void clear();

private:
    std::vector<std::uint8_t> buffer_;
    std::size_t consumed_ = 0;
    std::size_t max_frame_;
};

}  // namespace emu_net_socket
