// The net-client pair: delivery, the receiver-side queue with back-pressure, link state, taps.
#include "emu/net.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "emu/error.h"
#include "emu/type.h"

namespace emu {

namespace net {

MacAddress next_default_mac() {
    static std::atomic<unsigned> index{0};
    MacAddress mac;
    mac.bytes = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    mac.bytes[5] = static_cast<std::uint8_t>(0x56 + index.fetch_add(1));
    return mac;
}

namespace {
void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}
}  // namespace

std::vector<std::uint8_t> pcap_file_header(std::uint32_t snaplen) {
    std::vector<std::uint8_t> out;
    put32(out, 0xa1b23c4d);  // nanosecond-resolution magic, little-endian
    put16(out, 2);
    put16(out, 4);
    put32(out, 0);           // thiszone
    put32(out, 0);           // sigfigs
    put32(out, snaplen);
    put32(out, 1);           // LINKTYPE_ETHERNET
    return out;
}

std::vector<std::uint8_t> pcap_record_header(std::int64_t unix_ns, std::uint32_t captured,
                                             std::uint32_t original) {
    std::vector<std::uint8_t> out;
    put32(out, static_cast<std::uint32_t>(unix_ns / 1000000000));
    put32(out, static_cast<std::uint32_t>(unix_ns % 1000000000));
    put32(out, captured);
    put32(out, original);
    return out;
}

}  // namespace net

// ---- NetClient -------------------------------------------------------------------------------

NetClient::~NetClient() { disconnect(); }

void NetClient::connect(NetClient& a, NetClient& b) {
    if (&a == &b) throw Error(a.net_name() + ": cannot be connected to itself");
    if (a.peer_) throw Error(a.net_name() + " is already connected to " + a.peer_->net_name());
    if (b.peer_) throw Error(b.net_name() + " is already connected to " + b.peer_->net_name());
    a.peer_ = &b;
    b.peer_ = &a;
}

void NetClient::disconnect() {
    if (!peer_) return;
    NetClient* peer = peer_;
    peer_ = nullptr;
    peer->peer_ = nullptr;
    queue_.clear();
    peer->queue_.clear();
    sender_waiting_ = peer->sender_waiting_ = false;
    // In ~NetClient this client's own override is gone already (the base no-op runs).
    peer_disconnected();
    peer->peer_disconnected();
}

NetClient::SendStatus NetClient::send(std::span<const std::uint8_t> frame) {
    if (!peer_ || !link_up_ || !peer_->link_up_ || frame.size() > net::kMaxFrameSize) {
        ++stats_.dropped;
        return SendStatus::Dropped;
    }
    NetClient& peer = *peer_;
    // Frames already waiting go first: a new frame may not overtake them.
    if (peer.queue_.empty() && !peer.flushing_ && peer.can_receive()) {
        notify_taps(Direction::Sent, frame);
        peer.notify_taps(Direction::Received, frame);
        ++stats_.sent_frames;
        stats_.sent_bytes += frame.size();
        peer.flushing_ = true;  // receive() must not re-enter for this client
        const bool taken = peer.receive(frame);
        peer.flushing_ = false;
        if (taken) {
            ++peer.stats_.received_frames;
            peer.stats_.received_bytes += frame.size();
            // A receive_ready() during receive() may have left frames to deliver.
            if (!peer.queue_.empty()) peer.flush_queue();
            return SendStatus::Delivered;
        }
        // Refused. Anything queued meanwhile was sent during receive(), so after this frame.
        peer.queue_.emplace_front(frame.begin(), frame.end());
        ++stats_.queued;
        peer.sender_waiting_ = true;
        // A receive_ready() during that receive() must not be lost: try the queue once now.
        if (peer.ready_requested_) peer.flush_queue();
        return SendStatus::Queued;
    }
    if (peer.queue_.size() >= net::kMaxQueuedFrames) {
        ++stats_.dropped;
        peer.sender_waiting_ = true;
        return SendStatus::Dropped;
    }
    notify_taps(Direction::Sent, frame);
    peer.notify_taps(Direction::Received, frame);
    ++stats_.sent_frames;
    stats_.sent_bytes += frame.size();
    ++stats_.queued;
    peer.queue_.emplace_back(frame.begin(), frame.end());
    peer.sender_waiting_ = true;
    return SendStatus::Queued;
}

NetClient::SendStatus NetClient::send(const struct iovec* iov, int count) {
    std::size_t total = 0;
    for (int i = 0; i < count; ++i) total += iov[i].iov_len;
    if (total > net::kMaxFrameSize) {
        ++stats_.dropped;
        return SendStatus::Dropped;
    }
    if (count == 1) return send({static_cast<const std::uint8_t*>(iov[0].iov_base), iov[0].iov_len});
    std::vector<std::uint8_t> frame(total);
    std::size_t at = 0;
    for (int i = 0; i < count; ++i) {
        if (iov[i].iov_len) std::memcpy(frame.data() + at, iov[i].iov_base, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    return send(std::span<const std::uint8_t>(frame));
}

void NetClient::receive_ready() {
    if (flushing_) {  // the outer send()/flush picks the queue up
        ready_requested_ = true;
        return;
    }
    flush_queue();
}

void NetClient::flush_queue() {
    flushing_ = true;
    ready_requested_ = false;
    while (!queue_.empty() && can_receive()) {
        std::vector<std::uint8_t> frame = std::move(queue_.front());
        queue_.pop_front();
        if (!receive(frame)) {
            queue_.push_front(std::move(frame));
            break;
        }
        ++stats_.received_frames;
        stats_.received_bytes += frame.size();
    }
    flushing_ = false;
    ready_requested_ = false;
    if (queue_.empty() && sender_waiting_) {
        sender_waiting_ = false;
        if (peer_) peer_->send_ready();
    }
}

void NetClient::set_link_up(bool up) {
    const bool changed = link_up_ != up || (peer_ && peer_->link_up_ != up);
    link_up_ = up;
    if (peer_) peer_->link_up_ = up;
    if (!changed) return;
    if (!up) {
        // Frames in flight are lost with the cable, as on a wire; a sender waiting for room is
        // released (its next frames are dropped until the link is back).
        drop_queue();
        if (peer_) peer_->drop_queue();
    }
    link_changed();
    if (peer_) peer_->link_changed();
}

void NetClient::drop_queue() {
    stats_.dropped += queue_.size();
    queue_.clear();
    if (sender_waiting_) {
        sender_waiting_ = false;
        if (peer_) peer_->send_ready();
    }
}

NetClient::TapId NetClient::add_tap(Tap tap) {
    const TapId id = next_tap_++;
    taps_.emplace_back(id, std::move(tap));
    return id;
}

void NetClient::remove_tap(TapId id) {
    std::erase_if(taps_, [id](const auto& entry) { return entry.first == id; });
}

void NetClient::notify_taps(Direction direction, std::span<const std::uint8_t> frame) {
    for (const auto& [id, tap] : taps_) tap(direction, frame);
}

// ---- Back ends and NICs -----------------------------------------------------------------------

std::string NetBackend::net_name() const { return "netdev '" + id() + "'"; }

void NetBackend::peer_disconnected() { frontend_ = nullptr; }

void connect_nic(Device& nic, NetClient& client, NetBackend* backend) {
    if (!backend) return;
    if (backend->frontend_)
        throw Error("netdev '" + backend->id() + "' is already used by " + backend->frontend_->display_name());
    NetClient::connect(client, *backend);
    backend->frontend_ = &nic;
    backend->on_connect();
}

NicClient::NicClient(Device& nic, ReceiveFn receive, CanReceiveFn can_receive,
                     std::function<void()> send_ready, std::function<void()> link_changed)
    : nic_(nic),
      receive_(std::move(receive)),
      can_receive_(std::move(can_receive)),
      send_ready_(std::move(send_ready)),
      link_changed_(std::move(link_changed)) {}

std::string NicClient::net_name() const { return nic_.display_name(); }

void register_net_types(TypeRegistry& registry) {
    TypeBatch net;
    net.add({.name = "netdev",
             .parent = "backend",
             .abstract = true,
             .description = "base of network back ends (-netdev, -nic)"});
    registry.register_batch(net, "core");
}

}  // namespace emu
