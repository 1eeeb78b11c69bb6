// Typed properties: defaults, parsing and printing of every kind, and the errors a user sees.
#include <gtest/gtest.h>

#include "emu/device.h"
#include "emu/property.h"

namespace {

enum class Duplex { Half, Full, Auto };

class Backend : public emu::Device {};

class Nic : public emu::Device {
public:
    bool enabled = false;
    std::uint16_t iobase = 0;
    std::uint8_t irq = 0;
    std::int32_t bias = 0;
    std::uint64_t buffer = 0;
    std::string name;
    Duplex duplex = Duplex::Half;
    emu::MacAddress mac;
    emu::Device* peer = nullptr;
    Backend* netdev = nullptr;
    std::uint32_t speed = 0;

    static void class_init(emu::ClassBuilder<Nic>& c) {
        c.boolean("enabled", &Nic::enabled, true, "on or off");
        c.integer("iobase", &Nic::iobase, std::uint16_t{0x300}, "I/O base").range(0, 0xfff8);
        c.integer("irq", &Nic::irq, std::uint8_t{9}, "interrupt line").range(0, 15);
        c.integer("bias", &Nic::bias, std::int32_t{-2}, "signed").range(-100, 100);
        c.size("buffer", &Nic::buffer, 16 << 10, "buffer size");
        c.string("name", &Nic::name, "nic", "a name");
        c.enumeration("duplex", &Nic::duplex,
                      {{"half", Duplex::Half}, {"full", Duplex::Full}, {"auto", Duplex::Auto}}, Duplex::Auto,
                      "duplex mode");
        c.mac("mac", &Nic::mac, "MAC address");
        c.link("peer", &Nic::peer, "nic", "the other end");
        c.backend("netdev", &Nic::netdev, "testnet", "back end");
        c.integer("speed", &Nic::speed, std::uint32_t{1000}, "link speed").runtime_settable();
    }
};

class Fast : public Nic {
public:
    static void class_init(emu::ClassBuilder<Fast>& c) { c.set_default("speed", "100"); }
};

class PropertyTest : public ::testing::Test {
protected:
    void SetUp() override {
        emu::TypeBatch batch;
        batch.add({.name = "testnet", .parent = "backend", .abstract = true});
        batch.add({.name = "testnet-null", .parent = "testnet", .factory = emu::factory_of<Backend>()});
        batch.add({.name = "nic", .parent = "device", .factory = emu::factory_of<Nic>(),
                   .class_init = emu::class_init_of<Nic>(&Nic::class_init)});
        batch.add({.name = "fast-nic", .parent = "nic", .factory = emu::factory_of<Fast>(),
                   .class_init = emu::class_init_of<Fast>(&Fast::class_init)});
        registry.register_batch(batch, "test");
        root = registry.create("container");
    }
    Nic& add_nic(const std::string& id, const std::string& type = "nic") {
        return dynamic_cast<Nic&>(root->container("machine/peripheral").add_child(id, registry.create(type)));
    }
    std::string error_of(emu::Object& o, const std::string& prop, const std::string& value) {
        try {
            o.set_property(prop, value);
        } catch (const emu::Error& e) {
            return e.what();
        }
        return "no error";
    }
    emu::TypeRegistry registry;
    std::unique_ptr<emu::Object> root;
};

TEST_F(PropertyTest, DefaultsAreApplied) {
    Nic& nic = add_nic("net0");
    EXPECT_TRUE(nic.enabled);
    EXPECT_EQ(nic.iobase, 0x300);
    EXPECT_EQ(nic.irq, 9);
    EXPECT_EQ(nic.bias, -2);
    EXPECT_EQ(nic.buffer, 16u << 10);
    EXPECT_EQ(nic.name, "nic");
    EXPECT_EQ(nic.duplex, Duplex::Auto);
    EXPECT_TRUE(nic.mac.is_zero());
    EXPECT_EQ(nic.get_property("buffer"), "16K");
    EXPECT_EQ(nic.get_property("duplex"), "auto");
}

TEST_F(PropertyTest, SubclassInheritsAndRedefaults) {
    Nic& fast = add_nic("fast0", "fast-nic");
    EXPECT_EQ(fast.speed, 100u);
    EXPECT_EQ(fast.iobase, 0x300);
    EXPECT_NE(fast.find_property("mac"), nullptr);
}

TEST_F(PropertyTest, ParseAndPrintEveryKind) {
    Nic& nic = add_nic("net0");
    nic.set_property("enabled", "off");
    nic.set_property("iobase", "0x280");
    nic.set_property("irq", "5");
    nic.set_property("bias", "-7");
    nic.set_property("buffer", "2M");
    nic.set_property("name", "eth, with comma");
    nic.set_property("duplex", "full");
    nic.set_property("mac", "52:54:00:AB:cd:0f");
    EXPECT_FALSE(nic.enabled);
    EXPECT_EQ(nic.iobase, 0x280);
    EXPECT_EQ(nic.irq, 5);
    EXPECT_EQ(nic.bias, -7);
    EXPECT_EQ(nic.buffer, 2u << 20);
    EXPECT_EQ(nic.duplex, Duplex::Full);
    EXPECT_EQ(nic.get_property("enabled"), "off");
    EXPECT_EQ(nic.get_property("iobase"), "640");
    EXPECT_EQ(nic.get_property("bias"), "-7");
    EXPECT_EQ(nic.get_property("buffer"), "2M");
    EXPECT_EQ(nic.get_property("name"), "eth, with comma");
    EXPECT_EQ(nic.get_property("mac"), "52:54:00:ab:cd:0f");
}

TEST_F(PropertyTest, ErrorsNameObjectPropertyAndValue) {
    Nic& anon = dynamic_cast<Nic&>(root->container("machine/peripheral-anon").add_child("device[0]", registry.create("nic")));
    EXPECT_EQ(error_of(anon, "mac", "52:54:00:zz"), "nic: property 'mac': '52:54:00:zz' is not a MAC address");
    Nic& nic = add_nic("net0");
    EXPECT_EQ(error_of(nic, "irq", "16"), "nic 'net0': property 'irq': '16' is out of range [0, 15]");
    EXPECT_EQ(error_of(nic, "irq", "five"), "nic 'net0': property 'irq': 'five' is not a number");
    EXPECT_EQ(error_of(nic, "bias", "-101"), "nic 'net0': property 'bias': '-101' is out of range [-100, 100]");
    EXPECT_EQ(error_of(nic, "enabled", "maybe"),
              "nic 'net0': property 'enabled': 'maybe' is not a boolean (use on or off)");
    EXPECT_EQ(error_of(nic, "buffer", "12Q"),
              "nic 'net0': property 'buffer': '12Q' is not a size (use a K, M, G or T suffix)");
    EXPECT_EQ(error_of(nic, "duplex", "fast"),
              "nic 'net0': property 'duplex': 'fast' is not one of: half, full, auto");
    EXPECT_EQ(error_of(nic, "colour", "red"), "nic 'net0': no property 'colour'");
    EXPECT_EQ(error_of(nic, "netdev", "n9"),
              "nic 'net0': property 'netdev': 'n9' does not name a testnet (no -testnet with this id)");
    EXPECT_EQ(error_of(nic, "peer", "/machine/nowhere"),
              "nic 'net0': property 'peer': '/machine/nowhere' does not name an object");
    EXPECT_EQ(error_of(nic, "peer", "/machine"), "nic 'net0': property 'peer': '/machine' is not a nic");
    // A failed parse leaves the old value.
    EXPECT_EQ(nic.irq, 9);
}

TEST_F(PropertyTest, LinksAndBackends) {
    Nic& a = add_nic("a");
    Nic& b = add_nic("b");
    a.set_property("peer", "/machine/peripheral/b");
    EXPECT_EQ(a.peer, &b);
    EXPECT_EQ(a.get_property("peer"), "/machine/peripheral/b");
    b.set_property("peer", "../a");
    EXPECT_EQ(b.peer, &a);
    root->container("testnet").add_child("n0", registry.create("testnet-null"));
    a.set_property("netdev", "n0");
    ASSERT_NE(a.netdev, nullptr);
    EXPECT_EQ(a.get_property("netdev"), "n0");
}

TEST_F(PropertyTest, OnlyRuntimeSettablePropertiesChangeAfterRealize) {
    Nic& nic = add_nic("net0");
    nic.set_property("realized", "on");
    EXPECT_TRUE(nic.realized());
    EXPECT_EQ(error_of(nic, "irq", "5"),
              "nic 'net0': property 'irq' cannot be changed after the device is realized");
    nic.set_property("speed", "10");
    EXPECT_EQ(nic.speed, 10u);
}

TEST(ValueParsing, Sizes) {
    EXPECT_EQ(emu::parse_size("4096"), 4096u);
    EXPECT_EQ(emu::parse_size("0x1000"), 4096u);
    EXPECT_EQ(emu::parse_size("64k"), 64u << 10);
    EXPECT_EQ(emu::parse_size("512M"), 512ull << 20);
    EXPECT_EQ(emu::parse_size("512MiB"), 512ull << 20);
    EXPECT_EQ(emu::parse_size("2GB"), 2ull << 30);
    EXPECT_EQ(emu::parse_size("1T"), 1ull << 40);
    EXPECT_EQ(emu::parse_size("256", 1 << 20), 256ull << 20);  // -m takes MiB
    EXPECT_THROW(emu::parse_size(""), emu::Error);
    EXPECT_THROW(emu::parse_size("M"), emu::Error);
    EXPECT_THROW(emu::parse_size("-1"), emu::Error);
    EXPECT_THROW(emu::parse_size("99999999999T"), emu::Error);
    EXPECT_EQ(emu::format_size(3 << 20), "3M");
    EXPECT_EQ(emu::format_size(4097), "4097");
}

TEST(ValueParsing, Integers) {
    EXPECT_EQ(emu::parse_uint("0x10", 0, 100), 16u);
    EXPECT_EQ(emu::parse_uint("0b101", 0, 100), 5u);
    EXPECT_EQ(emu::parse_int("-9223372036854775808", INT64_MIN, INT64_MAX), INT64_MIN);
    EXPECT_THROW(emu::parse_int("9223372036854775808", INT64_MIN, INT64_MAX), emu::Error);
    EXPECT_THROW(emu::parse_uint("18446744073709551616", 0, UINT64_MAX), emu::Error);
    EXPECT_THROW(emu::parse_uint("12abc", 0, 100), emu::Error);
    EXPECT_THROW(emu::parse_uint("-1", 0, 100), emu::Error);
}

TEST(ValueParsing, MacAddresses) {
    EXPECT_EQ(emu::MacAddress::parse("52-54-00-12-34-56").to_string(), "52:54:00:12:34:56");
    EXPECT_TRUE(emu::MacAddress::parse("01:00:5e:00:00:01").is_multicast());
    EXPECT_THROW(emu::MacAddress::parse("52:54:00:12:34"), emu::Error);
    EXPECT_THROW(emu::MacAddress::parse("52:54:00:12:34:5g"), emu::Error);
    EXPECT_THROW(emu::MacAddress::parse("52:54:00:12:34:567"), emu::Error);
}

}  // namespace
