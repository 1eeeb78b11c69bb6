// The plugin's types: names, parent, category, documented properties; and chardev-null.
#include <algorithm>
#include <set>

#include "emu/property.h"
#include "support.h"

namespace chardev_test {
namespace {

std::set<std::string> visible_properties(const emu::Type& type) {
    std::set<std::string> names;
    for (const emu::Property& p : type.object_class().properties()) {
        if (p.hidden) continue;
        names.insert(p.name);
        EXPECT_FALSE(p.description.empty()) << type.name() << "." << p.name;
    }
    return names;
}

TEST(ChardevTypes, EveryBackEndIsAConcreteChardev) {
    for (const char* name :
         {"chardev-null", "chardev-stdio", "chardev-file", "chardev-pty", "chardev-socket"}) {
        const emu::Type* type = registry().find(name);
        ASSERT_NE(type, nullptr) << name;
        EXPECT_EQ(type->parent()->name(), "chardev") << name;
        EXPECT_TRUE(type->is_a("backend")) << name;
        EXPECT_EQ(type->category(), emu::Category::Backend) << name;
        EXPECT_FALSE(type->abstract()) << name;
        EXPECT_TRUE(type->user_creatable()) << name;
        EXPECT_EQ(type->provider(), "chardev") << name;
        EXPECT_FALSE(type->description().empty()) << name;
    }
}

TEST(ChardevTypes, DocumentedProperties) {
    using Names = std::set<std::string>;
    EXPECT_EQ(visible_properties(registry().get("chardev-null")), Names{});
    EXPECT_EQ(visible_properties(registry().get("chardev-stdio")), (Names{"signal", "escapes"}));
    EXPECT_EQ(visible_properties(registry().get("chardev-file")),
              (Names{"path", "append", "input-path"}));
    EXPECT_EQ(visible_properties(registry().get("chardev-pty")), Names{"pty"});
    EXPECT_EQ(visible_properties(registry().get("chardev-socket")),
              (Names{"path", "host", "port", "server", "wait", "nodelay", "bound-port"}));
}

TEST(ChardevTypes, Defaults) {
    auto stdio = registry().create("chardev-stdio");
    EXPECT_EQ(stdio->get_property("signal"), "on");
    EXPECT_EQ(stdio->get_property("escapes"), "on");
    EXPECT_EQ(stdio->get_property("fd-in"), "0");
    EXPECT_EQ(stdio->get_property("fd-out"), "1");
    auto file = registry().create("chardev-file");
    EXPECT_EQ(file->get_property("append"), "off");
    EXPECT_EQ(file->get_property("path"), "");
    auto socket = registry().create("chardev-socket");
    EXPECT_EQ(socket->get_property("server"), "off");
    EXPECT_EQ(socket->get_property("wait"), "on");
    EXPECT_EQ(socket->get_property("nodelay"), "off");
    EXPECT_EQ(socket->get_property("bound-port"), "");
}

TEST(ChardevTypes, ReadOnlyPropertiesRefuseValues) {
    auto socket = registry().create("chardev-socket");
    try {
        socket->set_property("bound-port", "5");
        FAIL() << "bound-port was set";
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "chardev-socket: property 'bound-port': '5' cannot be set: the "
                               "property is read-only");
    }
    auto pty = registry().create("chardev-pty");
    EXPECT_THROW(pty->set_property("pty", "/dev/pts/9"), emu::Error);
}

using NullTest = ChardevTest;

TEST_F(NullTest, DiscardsOutputAndGivesNoInput) {
    emu::CharBackend& null = create("null", "n0", {});
    Sink& sink = attach(null);
    write(null, "into the void");
    EXPECT_EQ(run_for(std::chrono::milliseconds(20)), 0);
    EXPECT_EQ(sink.data, "");
}

TEST_F(NullTest, SecondFrontEndIsRefused) {
    emu::CharBackend& null = create("null", "n0", {});
    attach(null);
    EXPECT_THROW(attach(null), emu::Error);
}

}  // namespace
}  // namespace chardev_test
