// "net-test-nic": the smallest NIC that lets the command-line tests see frames move between
// emu processes without a guest. It connects to netdev= like any NIC; with beacon=on it sends a
// broadcast frame (EtherType 0x88b5, "local experimental") from its MAC every 100 ms; with
// log=PATH it appends one line per frame it receives: "<source MAC> <destination MAC>
// <EtherType in hex> <length>".
#include <emu/event_loop.h>
#include <emu/machine.h>
#include <emu/net.h>
#include <emu/plugin.h>
#include <emu/property.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

class TestNic final : public emu::Device {
public:
    ~TestNic() override {
        if (log_) std::fclose(log_);
    }

    static void class_init(emu::ClassBuilder<TestNic>& c) {
        c.backend("netdev", &TestNic::netdev_, "netdev", "network back end");
        c.mac("mac", &TestNic::mac_, "MAC address");
        c.boolean("beacon", &TestNic::beacon_, false, "send a broadcast frame every 100 ms");
        c.string("log", &TestNic::log_path_, std::nullopt, "append a line per received frame to this file");
    }

protected:
    void do_realize() override {
        if (mac_.is_zero()) mac_ = emu::net::next_default_mac();
        if (!log_path_.empty()) {
            log_ = std::fopen(log_path_.c_str(), "a");
            if (!log_) throw emu::Error(display_name() + ": cannot open " + log_path_);
        }
        emu::connect_nic(*this, client_, netdev_);
        if (beacon_ && machine()) {
            timer_ = std::make_unique<emu::Timer>(machine()->loop(), emu::ClockType::Host, [this] { beacon(); });
            timer_->arm_in(0);
        }
    }

    void do_unrealize() override { timer_.reset(); }

private:
    void beacon() {
        std::vector<std::uint8_t> frame(60, 0);
        for (int i = 0; i < 6; ++i) frame[static_cast<std::size_t>(i)] = 0xff;
        std::copy(mac_.bytes.begin(), mac_.bytes.end(), frame.begin() + 6);
        frame[12] = 0x88;
        frame[13] = 0xb5;
        const std::string text = "emu-beacon";
        std::copy(text.begin(), text.end(), frame.begin() + 14);
        client_.send(frame);
        timer_->arm_in(100'000'000);
    }

    bool receive(std::span<const std::uint8_t> frame) {
        if (log_ && frame.size() >= 14) {
            emu::MacAddress dst, src;
            std::copy(frame.begin(), frame.begin() + 6, dst.bytes.begin());
            std::copy(frame.begin() + 6, frame.begin() + 12, src.bytes.begin());
            std::fprintf(log_, "%s %s %02x%02x %zu\n", src.to_string().c_str(), dst.to_string().c_str(), frame[12],
                         frame[13], frame.size());
            std::fflush(log_);
        }
        return true;
    }

    emu::NetBackend* netdev_ = nullptr;
    emu::MacAddress mac_;
    bool beacon_ = false;
    std::string log_path_;
    std::FILE* log_ = nullptr;
    std::unique_ptr<emu::Timer> timer_;
    emu::NicClient client_{*this, [this](std::span<const std::uint8_t> f) { return receive(f); }};
};

void register_types(emu::TypeBatch& types) {
    types.add({.name = "net-test-nic",
               .parent = "device",
               .category = emu::Category::Network,
               .description = "a test NIC: beacons and a log of received frames",
               .factory = emu::factory_of<TestNic>(),
               .class_init = emu::class_init_of<TestNic>(&TestNic::class_init)});
}

}  // namespace

EMU_PLUGIN(net_test_nic, "1.0.0", "A NIC for emu's network tests", "MIT", register_types);
