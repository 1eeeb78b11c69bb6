// Networking: a NIC front end and a network back end, joined as a pair of net clients.
//
// ---- The pair -----------------------------------------------------------------------------------
// Every NIC owns a NetClient; every back end (-netdev user/tap/socket/hubport ...) *is* one
// (NetBackend below). A NIC with netdev=ID connects its client to that back end at realize time
// (connect_nic(), which also refuses a back end another NIC already uses); each then calls
// send() for the frames it produces and receives the other's in receive(). A frame is a whole
// Ethernet frame without the FCS; there is no minimum size at this layer (a NIC pads short frames
// if its hardware would).
//
// ---- Back-pressure --------------------------------------------------------------------------
// Nothing is dropped silently because the receiver is momentarily busy:
//   - A receiver that has no room now (a NIC whose guest has not refilled its receive ring, a tap
//     whose fd is full) answers can_receive() false or returns false from receive(). The frame
//     then waits in the receiver's incoming queue and send() returns Queued.
//   - When it has room again the receiver calls receive_ready(); the queue is delivered at once,
//     in order, for as long as the receiver takes frames.
//   - A sender that was told Queued should stop producing (a back end stops reading its fd, a
//     NIC stops processing its transmit ring) until send_ready() is called on it, which happens
//     when the peer's queue has drained. A sender that keeps going regardless fills the queue to
//     kMaxQueuedFrames; beyond that frames are dropped and counted (stats().dropped), which is
//     what a wire does with a sender that ignores flow control.
// Frames sent while the link is down, or with no peer, are dropped (as on an unplugged cable):
// send() returns Dropped. Taking the link down also drops the frames queued on both sides.
//
// ---- Threads ----------------------------------------------------------------------------------
// Everything runs under the big device lock (lock.h): a NIC sends from its MMIO handler on a vCPU
// thread; a back end sends from a loop callback; receive() and send_ready() run on whichever
// thread caused them, always with the lock held. receive() never re-enters itself for one
// client: a receive_ready() from inside receive() only marks the queue for the outer flush.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "emu/device.h"
#include "emu/property.h"

namespace emu {

class TypeRegistry;

namespace net {

// Largest frame the layer carries: 64 KiB of payload plus headers (a TSO/GSO super-frame that a
// back end such as tap with vnet headers could take is split by the NIC before it gets here).
inline constexpr std::size_t kMaxFrameSize = 65536 + 64;
// Frames a receiver holds for its peer before further frames are dropped.
inline constexpr std::size_t kMaxQueuedFrames = 1024;
// The smallest Ethernet frame without FCS; NICs pad shorter received frames to it.
inline constexpr std::size_t kMinFrameSize = 60;

// QEMU's scheme: 52:54:00:12:34:56 for the first NIC that has no mac=, then ...:57 and so on.
MacAddress next_default_mac();

// A pcap (libpcap 2.4, LINKTYPE_ETHERNET) record writer, shared by the dump filter and tests.
std::vector<std::uint8_t> pcap_file_header(std::uint32_t snaplen);
std::vector<std::uint8_t> pcap_record_header(std::int64_t unix_ns, std::uint32_t captured,
                                             std::uint32_t original);

}  // namespace net

class NetClient {
public:
    enum class SendStatus { Delivered, Queued, Dropped };
    enum class Direction { Sent, Received };  // relative to the client a tap is on
    using Tap = std::function<void(Direction, std::span<const std::uint8_t> frame)>;
    using TapId = unsigned;

    struct Stats {
        std::uint64_t sent_frames = 0, sent_bytes = 0;          // accepted by send()
        std::uint64_t received_frames = 0, received_bytes = 0;  // taken by receive()
        std::uint64_t queued = 0;                               // frames that had to wait
        std::uint64_t dropped = 0;                              // link down, no peer, queue full, too big
    };

    NetClient() = default;
    virtual ~NetClient();
    NetClient(const NetClient&) = delete;
    NetClient& operator=(const NetClient&) = delete;

    // A short name for messages ("e1000 'nic0'", "netdev 'n0'").
    virtual std::string net_name() const = 0;

    // Pair two clients; throws Error if either already has a peer. disconnect() drops both
    // sides' queues; destruction disconnects.
    static void connect(NetClient& a, NetClient& b);
    void disconnect();
    NetClient* peer() const { return peer_; }

    // Send one frame (or a gathered one) to the peer.
    SendStatus send(std::span<const std::uint8_t> frame);
    SendStatus send(const struct iovec* iov, int count);

    // Receiving side, implemented by every client. can_receive(): room for a frame now?
    // receive(): take it (return true), or refuse it after all (false: it is queued).
    virtual bool can_receive() const { return true; }
    virtual bool receive(std::span<const std::uint8_t> frame) = 0;
    // Room again: deliver the frames queued for this client now (see the header comment).
    void receive_ready();
    std::size_t queued_frames() const { return queue_.size(); }

    // Called when frames this client sent had to wait and the peer has now taken them all.
    virtual void send_ready() {}

    // Link state, per side. set_link_up() changes this client and its peer (like QEMU's
    // set_link on either end) and calls link_changed() on both.
    bool link_up() const { return link_up_; }
    void set_link_up(bool up);
    virtual void link_changed() {}

    // Observers of every frame this client sends or receives (pcap dump, tests). Taps see a frame
    // when it is sent, whether it is then delivered or queued; dropped frames are not seen.
    TapId add_tap(Tap tap);
    void remove_tap(TapId id);

    const Stats& stats() const { return stats_; }

protected:
    // The pair was broken (disconnect(), or the peer was destroyed).
    virtual void peer_disconnected() {}

private:
    bool deliver(std::span<const std::uint8_t> frame);     // to this client, or queue
    void flush_queue();
    void notify_taps(Direction direction, std::span<const std::uint8_t> frame);
    void drop_queue();

    NetClient* peer_ = nullptr;
    bool link_up_ = true;
    bool flushing_ = false;
    bool ready_requested_ = false;  // receive_ready() came while flushing_
    bool sender_waiting_ = false;   // the peer was told Queued for a frame in our queue
    std::deque<std::vector<std::uint8_t>> queue_;           // frames waiting for this client
    std::vector<std::pair<TapId, Tap>> taps_;
    TapId next_tap_ = 1;
    Stats stats_;
};

// Base of the "netdev-<kind>" back-end types (abstract type "netdev", created with -netdev at
// /netdev/<id>). Its NetClient side is what a NIC's netdev= connects to.
class NetBackend : public Device, public NetClient {
public:
    std::string net_name() const override;
    // The NIC (or hub port) using this back end, if any.
    Device* frontend() const { return frontend_; }

protected:
    // Called once a front end has connected (the back end may start its I/O now).
    virtual void on_connect() {}
    void peer_disconnected() override;

private:
    friend void connect_nic(Device& nic, NetClient& client, NetBackend* backend);
    Device* frontend_ = nullptr;
};

// For NICs, at realize: connect `client` (owned by `nic`) to the back end named by its netdev=
// property. A back end already in use by another front end is an Error naming both. No back end
// (netdev= not given) leaves the NIC unplugged, as QEMU does: its frames are dropped.
void connect_nic(Device& nic, NetClient& client, NetBackend* backend);

// The NetClient of a NIC: forwards to the NIC's member functions. Typical use:
//     emu::NicClient client_{*this, [this](auto f) { return rx(f); }, [this] { return rx_room(); }};
class NicClient final : public NetClient {
public:
    using ReceiveFn = std::function<bool(std::span<const std::uint8_t>)>;
    using CanReceiveFn = std::function<bool()>;
    NicClient(Device& nic, ReceiveFn receive, CanReceiveFn can_receive = {},
              std::function<void()> send_ready = {}, std::function<void()> link_changed = {});
    std::string net_name() const override;
    bool can_receive() const override { return can_receive_ ? can_receive_() : true; }
    bool receive(std::span<const std::uint8_t> frame) override { return receive_(frame); }
    void send_ready() override { if (send_ready_) send_ready_(); }
    void link_changed() override { if (link_changed_) link_changed_(); }

private:
    Device& nic_;
    ReceiveFn receive_;
    CanReceiveFn can_receive_;
    std::function<void()> send_ready_, link_changed_;
};

// The core registers the abstract "netdev" type; called from register_core_types.
void register_net_types(TypeRegistry& registry);

}  // namespace emu
