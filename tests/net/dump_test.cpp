// -object filter-dump (plugin net_hub): a pcap file with libpcap's headers and one record per
// frame through the back end, maxlen= truncation, queue= direction, and tshark reading the DHCP
// exchange back (when tshark is installed; tests/setup/install-deps.sh installs it).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "frames.h"
#include "support.h"

namespace net_test {
namespace {

namespace fs = std::filesystem;

std::uint32_t le32(const Bytes& b, std::size_t at) {
    return std::uint32_t{b[at]} | std::uint32_t{b[at + 1]} << 8 | std::uint32_t{b[at + 2]} << 16 |
           std::uint32_t{b[at + 3]} << 24;
}

struct Record {
    std::uint32_t captured, original;
    Bytes data;
};

// The records of a pcap file, after checking its header.
std::vector<Record> read_pcap(const fs::path& file, std::uint32_t expect_snaplen) {
    std::ifstream in(file, std::ios::binary);
    Bytes b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_GE(b.size(), 24u);
    if (b.size() < 24) return {};
    EXPECT_EQ(le32(b, 0), 0xa1b23c4du) << "not nanosecond pcap";
    EXPECT_EQ(le32(b, 4), 0x00040002u) << "not version 2.4";
    EXPECT_EQ(le32(b, 16), expect_snaplen);
    EXPECT_EQ(le32(b, 20), 1u) << "not LINKTYPE_ETHERNET";
    std::vector<Record> out;
    for (std::size_t at = 24; at + 16 <= b.size();) {
        Record r{le32(b, at + 8), le32(b, at + 12), {}};
        EXPECT_LT(le32(b, at + 4), 1'000'000'000u) << "nanoseconds out of range";
        at += 16;
        if (at + r.captured > b.size()) {
            ADD_FAILURE() << "truncated record";
            break;
        }
        r.data.assign(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + r.captured));
        at += r.captured;
        out.push_back(std::move(r));
    }
    return out;
}

class DumpTest : public NetTest {
protected:
    void SetUp() override {
        NetTest::SetUp();
        char pattern[] = "/tmp/emu-net-dump-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir = pattern;
    }
    void TearDown() override {
        NetTest::TearDown();
        fs::remove_all(dir);
    }
    // A user back end with a NIC, dumped with the given filter properties; one DHCP exchange.
    void dhcp_exchange(Props filter) {
        emu::NetBackend& user = create("user", "n0", {});
        plug(nic, user);
        filter.insert(filter.begin(), {{"netdev", "n0"}, {"file", (dir / "dump.pcap").string()}});
        create_object("filter-dump", "f0", filter);
        discover = dhcp_discover(kGuestMac, 77);
        nic.send(discover);
        ASSERT_TRUE(run_until([&] { return !nic.frames.empty(); }));
    }

    fs::path dir;
    TestNic nic;
    Bytes discover;
};

TEST_F(DumpTest, EveryFrameBothWaysIsARecord) {
    dhcp_exchange({});
    const auto records = read_pcap(dir / "dump.pcap", 65536);
    ASSERT_EQ(records.size(), 1 + nic.frames.size());
    EXPECT_EQ(records[0].data, discover);
    EXPECT_EQ(records[0].original, discover.size());
    EXPECT_EQ(records[1].data, nic.frames[0]);
}

TEST_F(DumpTest, MaxlenTruncatesButKeepsTheLength) {
    dhcp_exchange({{"maxlen", "64"}});
    const auto records = read_pcap(dir / "dump.pcap", 64);
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records[0].captured, 64u);
    EXPECT_EQ(records[0].original, discover.size());
    EXPECT_EQ(records[0].data, Bytes(discover.begin(), discover.begin() + 64));
}

TEST_F(DumpTest, QueueRxKeepsOnlyWhatTheBackEndReceives) {
    dhcp_exchange({{"queue", "rx"}});
    const auto records = read_pcap(dir / "dump.pcap", 65536);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].data, discover);
}

TEST_F(DumpTest, TsharkFindsTheDhcpExchange) {
    const std::string tshark = EMU_TSHARK;
    if (tshark.empty() || !fs::exists(tshark)) GTEST_SKIP() << "tshark is not installed";
    dhcp_exchange({});
    const std::string command = tshark + " -r " + (dir / "dump.pcap").string() +
                                " -Y dhcp -T fields -e dhcp.option.dhcp -e dhcp.ip.your 2>/dev/null";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
    EXPECT_EQ(::pclose(pipe), 0) << out;
    EXPECT_EQ(out, "1\t0.0.0.0\n2\t10.0.2.15\n");
}

TEST_F(DumpTest, Errors) {
    create("hubport", "n0", {});
    int next = 0;
    auto error = [&](const Props& props) {
        try {
            create_object("filter-dump", "f" + std::to_string(++next), props);
        } catch (const emu::Error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_EQ(error({{"netdev", "n0"}}), "filter-dump 'f1': needs file= (where to write the dump)");
    EXPECT_EQ(error({{"file", (dir / "x").string()}}), "filter-dump 'f2': needs netdev= (the back end to dump)");
    EXPECT_EQ(error({{"netdev", "n0"}, {"file", (dir / "no/such/dir/x.pcap").string()}}),
              "filter-dump 'f3': cannot create '" + (dir / "no/such/dir/x.pcap").string() +
                  "': No such file or directory");
}

}  // namespace
}  // namespace net_test
