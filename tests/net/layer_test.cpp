// The net layer of sdk/include/emu/net.h on its own: two NetClients joined as a pair, delivery,
// the receiver-side queue and its order, back-pressure (Queued, receive_ready, send_ready), the
// queue limit, link state, taps, gathered frames, and connect errors.
#include <sys/uio.h>

#include "support.h"

namespace net_test {
namespace {

using Status = emu::NetClient::SendStatus;

Frame frame_of(std::uint8_t tag, std::size_t size = 60) { return Frame(size, tag); }

std::vector<std::uint8_t> tags(const std::vector<Frame>& frames) {
    std::vector<std::uint8_t> out;
    for (const Frame& f : frames) out.push_back(f.empty() ? 0 : f[0]);
    return out;
}

struct Pair {
    Pair() { emu::NetClient::connect(a, b); }
    TestNic a{"a"}, b{"b"};
};

TEST(NetLayer, DeliversAtOnceWhenTheReceiverHasRoom) {
    Pair p;
    EXPECT_EQ(p.a.send(frame_of(1)), Status::Delivered);
    EXPECT_EQ(p.b.send(frame_of(2, 100)), Status::Delivered);
    EXPECT_EQ(tags(p.b.frames), std::vector<std::uint8_t>{1});
    EXPECT_EQ(tags(p.a.frames), std::vector<std::uint8_t>{2});
    EXPECT_EQ(p.a.stats().sent_frames, 1u);
    EXPECT_EQ(p.a.stats().sent_bytes, 60u);
    EXPECT_EQ(p.a.stats().received_bytes, 100u);
    EXPECT_EQ(p.b.stats().received_frames, 1u);
}

TEST(NetLayer, WithoutPeerFramesAreDropped) {
    TestNic lonely;
    EXPECT_EQ(lonely.send(frame_of(1)), Status::Dropped);
    EXPECT_EQ(lonely.stats().dropped, 1u);
    EXPECT_EQ(lonely.stats().sent_frames, 0u);
}

TEST(NetLayer, ConnectRefusesSelfAndSecondPeers) {
    Pair p;
    TestNic c{"c"};
    try {
        emu::NetClient::connect(c, p.a);
        FAIL() << "connected a client that already has a peer";
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "a is already connected to b");
    }
    try {
        emu::NetClient::connect(c, c);
        FAIL() << "connected a client to itself";
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "c: cannot be connected to itself");
    }
    EXPECT_EQ(c.peer(), nullptr);
}

TEST(NetLayer, FullReceiverQueuesInOrderAndWakesTheSender) {
    Pair p;
    p.b.room = 0;
    for (std::uint8_t t = 1; t <= 3; ++t) EXPECT_EQ(p.a.send(frame_of(t)), Status::Queued);
    EXPECT_EQ(p.b.queued_frames(), 3u);
    EXPECT_TRUE(p.b.frames.empty());
    EXPECT_EQ(p.a.send_ready_calls, 0);
    p.b.make_room();
    EXPECT_EQ(tags(p.b.frames), (std::vector<std::uint8_t>{1, 2, 3}));
    EXPECT_EQ(p.a.send_ready_calls, 1);
    EXPECT_EQ(p.a.stats().queued, 3u);
    EXPECT_EQ(p.b.stats().received_frames, 3u);
}

TEST(NetLayer, ANewFrameNeverOvertakesQueuedOnes) {
    Pair p;
    p.b.room = 0;
    EXPECT_EQ(p.a.send(frame_of(1)), Status::Queued);
    p.b.room = -1;  // room again, but nobody told the layer yet
    EXPECT_EQ(p.a.send(frame_of(2)), Status::Queued);
    p.b.make_room();
    EXPECT_EQ(tags(p.b.frames), (std::vector<std::uint8_t>{1, 2}));
}

TEST(NetLayer, PartialRoomDeliversPartOfTheQueue) {
    Pair p;
    p.b.room = 0;
    for (std::uint8_t t = 1; t <= 3; ++t) p.a.send(frame_of(t));
    p.b.make_room(2);
    EXPECT_EQ(tags(p.b.frames), (std::vector<std::uint8_t>{1, 2}));
    EXPECT_EQ(p.b.queued_frames(), 1u);
    EXPECT_EQ(p.a.send_ready_calls, 0) << "send_ready before the queue drained";
    p.b.make_room();
    EXPECT_EQ(tags(p.b.frames), (std::vector<std::uint8_t>{1, 2, 3}));
    EXPECT_EQ(p.a.send_ready_calls, 1);
}

TEST(NetLayer, ReceiveReturningFalseQueuesTheFrame) {
    struct Refuser final : emu::NetClient {
        std::string net_name() const override { return "refuser"; }
        bool receive(std::span<const std::uint8_t> frame) override {
            if (refuse) return false;
            got.emplace_back(frame.begin(), frame.end());
            return true;
        }
        bool refuse = true;
        std::vector<Frame> got;
    } r;
    TestNic a{"a"};
    emu::NetClient::connect(a, r);
    EXPECT_EQ(a.send(frame_of(1)), Status::Queued);
    EXPECT_EQ(r.queued_frames(), 1u);
    r.refuse = false;
    r.receive_ready();
    EXPECT_EQ(tags(r.got), std::vector<std::uint8_t>{1});
    EXPECT_EQ(a.send_ready_calls, 1);
}

TEST(NetLayer, QueueIsBoundedAndTheRestIsDroppedAndCounted) {
    Pair p;
    p.b.room = 0;
    const std::size_t extra = 5;
    std::size_t queued = 0, dropped = 0;
    for (std::size_t i = 0; i < emu::net::kMaxQueuedFrames + extra; ++i) {
        const Status s = p.a.send(frame_of(static_cast<std::uint8_t>(i)));
        (s == Status::Queued ? queued : dropped) += 1;
    }
    EXPECT_EQ(queued, emu::net::kMaxQueuedFrames);
    EXPECT_EQ(dropped, extra);
    EXPECT_EQ(p.a.stats().dropped, extra);
    p.b.make_room();
    EXPECT_EQ(p.b.frames.size(), emu::net::kMaxQueuedFrames);
    EXPECT_EQ(p.a.send_ready_calls, 1);
}

TEST(NetLayer, LinkDownDropsBothWaysAndTellsBothSides) {
    Pair p;
    p.a.set_link_up(false);
    EXPECT_FALSE(p.a.link_up());
    EXPECT_FALSE(p.b.link_up());
    EXPECT_EQ(p.a.link_changes, 1);
    EXPECT_EQ(p.b.link_changes, 1);
    EXPECT_EQ(p.a.send(frame_of(1)), Status::Dropped);
    EXPECT_EQ(p.b.send(frame_of(2)), Status::Dropped);
    EXPECT_TRUE(p.a.frames.empty());
    EXPECT_TRUE(p.b.frames.empty());
    p.a.set_link_up(false);  // no change: no notification
    EXPECT_EQ(p.a.link_changes, 1);
    p.b.set_link_up(true);
    EXPECT_TRUE(p.a.link_up());
    EXPECT_EQ(p.a.link_changes, 2);
    EXPECT_EQ(p.a.send(frame_of(3)), Status::Delivered);
}

TEST(NetLayer, OversizedFramesAreDropped) {
    Pair p;
    EXPECT_EQ(p.a.send(Frame(emu::net::kMaxFrameSize + 1, 7)), Status::Dropped);
    EXPECT_EQ(p.a.send(Frame(emu::net::kMaxFrameSize, 7)), Status::Delivered);
    EXPECT_EQ(p.a.stats().dropped, 1u);
}

TEST(NetLayer, GatheredFramesArriveAsOne) {
    Pair p;
    std::uint8_t head[3] = {1, 2, 3}, body[2] = {4, 5};
    iovec iov[3] = {{head, 3}, {nullptr, 0}, {body, 2}};
    EXPECT_EQ(p.a.send(iov, 3), Status::Delivered);
    ASSERT_EQ(p.b.frames.size(), 1u);
    EXPECT_EQ(p.b.frames[0], (Frame{1, 2, 3, 4, 5}));
}

TEST(NetLayer, TapsSeeSentAndQueuedFramesButNotDroppedOnes) {
    Pair p;
    std::vector<std::pair<emu::NetClient::Direction, std::uint8_t>> seen_a, seen_b;
    const auto tap_a = p.a.add_tap([&](auto d, auto f) { seen_a.emplace_back(d, f[0]); });
    p.b.add_tap([&](auto d, auto f) { seen_b.emplace_back(d, f[0]); });
    p.a.send(frame_of(1));
    p.b.room = 0;
    p.a.send(frame_of(2));  // queued: seen
    p.a.set_link_up(false);
    p.a.send(frame_of(3));  // dropped: not seen
    p.a.set_link_up(true);
    p.b.make_room();
    p.a.remove_tap(tap_a);
    p.b.send(frame_of(4));
    using D = emu::NetClient::Direction;
    EXPECT_EQ(seen_a, (std::vector<std::pair<D, std::uint8_t>>{{D::Sent, 1}, {D::Sent, 2}}));
    EXPECT_EQ(seen_b, (std::vector<std::pair<D, std::uint8_t>>{{D::Received, 1}, {D::Received, 2}, {D::Sent, 4}}));
}

TEST(NetLayer, AFrameSentFromInsideReceiveIsDeliveredAfterIt) {
    Pair p;
    bool sent_inner = false;
    p.b.on_receive = [&](const Frame&) {
        if (sent_inner) return;
        sent_inner = true;
        EXPECT_EQ(p.a.send(frame_of(2)), Status::Queued);  // b is busy in receive()
        EXPECT_EQ(p.b.frames.size(), 1u) << "receive() re-entered";
    };
    EXPECT_EQ(p.a.send(frame_of(1)), Status::Delivered);
    EXPECT_EQ(tags(p.b.frames), (std::vector<std::uint8_t>{1, 2}));
    EXPECT_EQ(p.a.send_ready_calls, 1);
}

TEST(NetLayer, ARefusedFrameStaysAheadOfFramesSentDuringItsReceive) {
    // The receiver refuses frame 1, but while looking at it a frame 2 was sent to it (a hub or
    // loopback path): frame 1 must still be delivered first.
    struct Busy final : emu::NetClient {
        std::string net_name() const override { return "busy"; }
        bool receive(std::span<const std::uint8_t> frame) override {
            if (inner) {
                auto f = std::move(inner);
                f();
                return false;
            }
            got.push_back(frame[0]);
            return true;
        }
        std::function<void()> inner;
        std::vector<std::uint8_t> got;
    } busy;
    TestNic a{"a"};
    emu::NetClient::connect(a, busy);
    busy.inner = [&] { a.send(frame_of(2)); };
    EXPECT_EQ(a.send(frame_of(1)), Status::Queued);
    busy.receive_ready();
    EXPECT_EQ(busy.got, (std::vector<std::uint8_t>{1, 2}));
}

TEST(NetLayer, DisconnectDropsQueuesAndDestructionDisconnects) {
    auto a = std::make_unique<TestNic>("a");
    TestNic b{"b"};
    emu::NetClient::connect(*a, b);
    b.room = 0;
    a->send(frame_of(1));
    a->disconnect();
    EXPECT_EQ(b.queued_frames(), 0u);
    EXPECT_EQ(b.peer(), nullptr);
    emu::NetClient::connect(*a, b);
    a.reset();
    EXPECT_EQ(b.peer(), nullptr);
    EXPECT_EQ(b.send(frame_of(2)), Status::Dropped);
}

TEST(NetLayer, DefaultMacsCountUpFromQemus) {
    const emu::MacAddress first = emu::net::next_default_mac();
    const emu::MacAddress second = emu::net::next_default_mac();
    EXPECT_EQ(first.to_string().substr(0, 15), "52:54:00:12:34:");
    EXPECT_EQ(second.bytes[5], static_cast<std::uint8_t>(first.bytes[5] + 1));
}

TEST(NetLayer, PcapHeadersAreLibpcapNanosecondFormat) {
    const auto file = emu::net::pcap_file_header(1500);
    ASSERT_EQ(file.size(), 24u);
    EXPECT_EQ(hex(Frame(file.begin(), file.begin() + 8)), "4d3cb2a102000400");
    EXPECT_EQ(hex(Frame(file.begin() + 16, file.end())), "dc05000001000000");
    const auto record = emu::net::pcap_record_header(1'700'000'000'123'456'789, 60, 1514);
    EXPECT_EQ(hex(record), "00f1536515cd5b073c000000ea050000");
}

class NetBackendTest : public NetTest {};

TEST_F(NetBackendTest, ABackEndServesOneFrontEnd) {
    emu::NetBackend& port = create("hubport", "hp", {{"hubid", "0"}});
    TestNic first, second;
    plug(first, port);
    EXPECT_EQ(port.frontend(), owner);
    try {
        plug(second, port);
        FAIL() << "a second NIC took the same back end";
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "netdev 'hp' is already used by test-nic-owner 'nic'");
    }
    EXPECT_EQ(second.peer(), nullptr);
}

TEST_F(NetBackendTest, NoBackEndLeavesTheNicUnplugged) {
    TestNic nic;
    emu::connect_nic(*owner, nic, nullptr);
    EXPECT_EQ(nic.send(frame_of(1)), Status::Dropped);
}

}  // namespace
}  // namespace net_test
