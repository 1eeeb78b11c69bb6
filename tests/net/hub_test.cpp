// -netdev hubport (plugin net_hub): a hub repeats each frame to all its other ports and to no
// other hub; netdev= puts another back end on a port; a full port holds the hub without loss.
#include "frames.h"
#include "support.h"

namespace net_test {
namespace {

class HubTest : public NetTest {};

TEST_F(HubTest, AFrameGoesToEveryOtherPortOfItsHubOnly) {
    TestNic nic[4];
    for (int i = 0; i < 4; ++i)
        plug(nic[i], create("hubport", "p" + std::to_string(i), {{"hubid", i < 3 ? "1" : "2"}}));
    nic[0].send(Frame(60, 0xa0));
    EXPECT_TRUE(nic[0].frames.empty()) << "a port heard its own frame";
    EXPECT_EQ(nic[1].frames, std::vector<Frame>{Frame(60, 0xa0)});
    EXPECT_EQ(nic[2].frames, std::vector<Frame>{Frame(60, 0xa0)});
    EXPECT_TRUE(nic[3].frames.empty()) << "the frame crossed to another hub";
    nic[3].send(Frame(60, 0xb0));
    EXPECT_EQ(nic[1].frames.size(), 1u);
}

TEST_F(HubTest, NetdevPutsAnotherBackEndOnThePort) {
    emu::NetBackend& user = create("user", "u0", {});
    create("hubport", "hp0", {{"hubid", "0"}, {"netdev", "u0"}});
    TestNic guest, watcher;
    plug(guest, create("hubport", "hp1", {{"hubid", "0"}}));
    plug(watcher, create("hubport", "hp2", {{"hubid", "0"}}));
    EXPECT_NE(user.peer(), nullptr);
    guest.send(dhcp_discover(kGuestMac, 42));
    ASSERT_TRUE(run_until([&] {
        for (const Frame& f : guest.frames)
            if (auto d = dhcp_of(f); d && d->message_type == 2) return true;
        return false;
    }));
    EXPECT_FALSE(watcher.frames.empty()) << "the third port did not see the exchange";
}

TEST_F(HubTest, AFullPortHoldsTheHubAndLosesNothing) {
    TestNic nic[3];
    for (int i = 0; i < 3; ++i) plug(nic[i], create("hubport", "p" + std::to_string(i), {{"hubid", "5"}}));
    nic[1].room = 0;
    using Status = emu::NetClient::SendStatus;
    EXPECT_EQ(nic[0].send(Frame(60, 1)), Status::Delivered);  // the hub took it; port 1 queued it
    EXPECT_EQ(nic[0].send(Frame(60, 2)), Status::Queued);     // the hub is held
    EXPECT_EQ(nic[2].frames.size(), 1u);
    nic[1].make_room();
    ASSERT_EQ(nic[1].frames.size(), 2u);
    EXPECT_EQ(nic[1].frames[1], Frame(60, 2));
    EXPECT_EQ(nic[2].frames.size(), 2u);
    EXPECT_EQ(nic[0].send_ready_calls, 1);
}

TEST_F(HubTest, ConfigurationErrors) {
    EXPECT_NE(create_error("hubport", "hp0", {{"netdev", "nope"}}).find("nope"), std::string::npos);
    const std::string self = create_error("hubport", "hp1", {{"netdev", "hp1"}});
    EXPECT_NE(self.find("netdev-hubport 'hp1': netdev 'hp1': cannot be connected to itself"), std::string::npos)
        << self;
    create("user", "u0", {});
    create("hubport", "hp2", {{"netdev", "u0"}});
    TestNic nic;
    try {
        plug(nic, *root->resolve("/netdev/hp2")->as<emu::NetBackend>());
        FAIL() << "a NIC took a port that already has a back end";
    } catch (const emu::Error& e) {
        EXPECT_NE(std::string(e.what()).find("netdev 'hp2' is already connected to netdev 'u0'"), std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace net_test
