// The composition tree and the realize step: paths, lookups, realize errors and teardown order.
#include <gtest/gtest.h>

#include "emu/device.h"
#include "emu/property.h"

namespace {

std::vector<std::string>* journal = nullptr;

class Recorder : public emu::Device {
public:
    bool fail = false;
    ~Recorder() override { journal->push_back("destroy " + id()); }
    static void class_init(emu::ClassBuilder<Recorder>& c) {
        c.boolean("fail", &Recorder::fail, false, "fail to realize");
    }

protected:
    void do_realize() override {
        if (fail) throw emu::Error("no such firmware: missing.rom");
        journal->push_back("realize " + id());
    }
    void do_unrealize() override { journal->push_back("unrealize " + id()); }
};

class ObjectTree : public ::testing::Test {
protected:
    void SetUp() override {
        journal = &events;
        emu::TypeBatch batch;
        batch.add({.name = "recorder", .parent = "device", .factory = emu::factory_of<Recorder>(),
                   .class_init = emu::class_init_of<Recorder>(&Recorder::class_init)});
        registry.register_batch(batch, "test");
        root = registry.create("container");
    }
    void TearDown() override {
        root.reset();
        journal = nullptr;
    }
    Recorder& add(emu::Object& parent, const std::string& name) {
        return dynamic_cast<Recorder&>(parent.add_child(name, registry.create("recorder")));
    }
    std::vector<std::string> events;
    emu::TypeRegistry registry;
    std::unique_ptr<emu::Object> root;
};

TEST_F(ObjectTree, PathsAndLookups) {
    emu::Object& peripheral = root->container("machine/peripheral");
    Recorder& net0 = add(peripheral, "net0");
    EXPECT_EQ(root->path(), "/");
    EXPECT_EQ(net0.path(), "/machine/peripheral/net0");
    EXPECT_EQ(root->resolve("/machine/peripheral/net0"), &net0);
    EXPECT_EQ(peripheral.resolve("net0"), &net0);
    EXPECT_EQ(net0.resolve("../net0"), &net0);
    EXPECT_EQ(net0.resolve("/"), root.get());
    EXPECT_EQ(root->resolve("/machine/nothing"), nullptr);
    EXPECT_EQ(&net0.root(), root.get());
    EXPECT_EQ(&root->container("machine/peripheral"), &peripheral);  // existing, not new
}

TEST_F(ObjectTree, ChildNamesAreUniqueAndValid) {
    emu::Object& folder = root->container("f");
    add(folder, "a");
    EXPECT_THROW(add(folder, "a"), emu::Error);
    EXPECT_THROW(add(folder, "x/y"), emu::Error);
    EXPECT_THROW(add(folder, ".."), emu::Error);
    EXPECT_EQ(folder.unique_child_name("device"), "device[0]");
    add(folder, "device[0]");
    EXPECT_EQ(folder.unique_child_name("device"), "device[1]");
    auto detached = folder.detach_child("a");
    ASSERT_NE(detached, nullptr);
    EXPECT_EQ(detached->parent(), nullptr);
    EXPECT_EQ(folder.child("a"), nullptr);
}

TEST_F(ObjectTree, RealizeRunsOnceAndFailureKeepsDeviceUnrealized) {
    Recorder& a = add(*root, "a");
    a.set_property("realized", "on");
    a.realize();  // already realized: nothing happens
    EXPECT_EQ(events, (std::vector<std::string>{"realize a"}));
    EXPECT_EQ(a.get_property("realized"), "on");

    Recorder& b = add(*root, "b");
    b.set_property("fail", "on");
    try {
        b.set_property("realized", "on");
        FAIL();
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "no such firmware: missing.rom");  // verbatim
    }
    EXPECT_FALSE(b.realized());
}

TEST_F(ObjectTree, TeardownIsReverseOrderChildrenFirst) {
    emu::Object& machine = root->container("machine");
    Recorder& bus = add(machine, "bus");
    Recorder& x = add(bus, "x");
    Recorder& y = add(bus, "y");
    Recorder& z = add(machine, "z");
    for (Recorder* r : {&bus, &x, &y, &z}) r->realize();
    events.clear();
    emu::unrealize_tree(*root);
    root.reset();
    EXPECT_EQ(events, (std::vector<std::string>{"unrealize z", "unrealize y", "unrealize x", "unrealize bus",
                                                "destroy z", "destroy y", "destroy x", "destroy bus"}));
}

}  // namespace
