#include "stream_framing.h"

namespace emu_net_socket {

std::array<std::uint8_t, 4> frame_header(std::size_t length) {
    const auto n = static_cast<std::uint32_t>(length);
    return {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
            static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
}

StreamDecoder::Status StreamDecoder::next(std::span<const std::uint8_t>& frame) {
    // Compact once the consumed part dominates, so the buffer does not grow without bound.
    if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
        consumed_ = 0;
    }
    if (buffered() < 4) return Status::NeedMore;
    const std::uint8_t* head = buffer_.data() + consumed_;
    const std::size_t length = std::size_t{head[0]} << 24 | std::size_t{head[1]} << 16 |
                               std::size_t{head[2]} << 8 | std::size_t{head[3]};
    if (length > max_frame_) return Status::TooLong;
    if (buffered() < 4 + length) return Status::NeedMore;
    frame = std::span<const std::uint8_t>(head + 4, length);
    consumed_ += 4 + length;
    return Status::Frame;
}

void StreamDecoder::clear() {
    buffer_.clear();
    consumed_ = 0;
}

}  // namespace emu_net_socket
