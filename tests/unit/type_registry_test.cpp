// The type registry: registration, is_a, interfaces, enumeration, creation and its errors.
#include <gtest/gtest.h>

#include "emu/device.h"
#include "emu/machine.h"
#include "emu/property.h"

namespace {

class Widget : public emu::Device {};
class Gadget : public Widget {};

emu::TypeBatch widget_types() {
    emu::TypeBatch batch;
    batch.add({.name = "resettable", .parent = "interface", .abstract = true});
    batch.add({.name = "widget", .parent = "device", .abstract = true, .category = emu::Category::Misc,
               .description = "abstract widget"});
    // Child before parent in the batch: the registry orders them itself.
    batch.add({.name = "gadget", .parent = "widget", .interfaces = {"resettable"},
               .description = "a gadget", .factory = emu::factory_of<Gadget>()});
    batch.add({.name = "hidden-gadget", .parent = "gadget", .user_creatable = false,
               .factory = emu::factory_of<Gadget>()});
    return batch;
}

TEST(TypeRegistry, CoreTypesArePresent) {
    emu::TypeRegistry registry;
    for (const char* name : {"object", "interface", "container", "device", "machine", "none"})
        EXPECT_NE(registry.find(name), nullptr) << name;
    EXPECT_EQ(registry.get("none").provider(), "core");
    EXPECT_TRUE(registry.get("none").is_a("machine"));
    EXPECT_EQ(registry.get("none").category(), emu::Category::Machine);
}

TEST(TypeRegistry, IsAFollowsParentsAndInterfaces) {
    emu::TypeRegistry registry;
    registry.register_batch(widget_types(), "widgets");
    const emu::Type& gadget = registry.get("gadget");
    EXPECT_TRUE(gadget.is_a("gadget"));
    EXPECT_TRUE(gadget.is_a("widget"));
    EXPECT_TRUE(gadget.is_a("device"));
    EXPECT_TRUE(gadget.is_a("object"));
    EXPECT_TRUE(gadget.is_a("resettable"));
    EXPECT_FALSE(gadget.is_a("machine"));
    EXPECT_TRUE(registry.get("hidden-gadget").is_a("resettable"));  // inherited interface
    EXPECT_TRUE(gadget.is_a(registry.get("resettable")));
    EXPECT_EQ(gadget.category(), emu::Category::Misc);  // inherited from widget
    EXPECT_EQ(gadget.provider(), "widgets");
}

TEST(TypeRegistry, SubtypesListsConcreteAndUserCreatable) {
    emu::TypeRegistry registry;
    registry.register_batch(widget_types(), "widgets");
    auto names = [](const std::vector<const emu::Type*>& types) {
        std::vector<std::string> out;
        for (auto* t : types) out.push_back(t->name());
        return out;
    };
    EXPECT_EQ(names(registry.subtypes("widget")), (std::vector<std::string>{"gadget", "hidden-gadget"}));
    EXPECT_EQ(names(registry.subtypes("widget", true, true)), (std::vector<std::string>{"gadget"}));
    EXPECT_EQ(names(registry.subtypes("widget", false)),
              (std::vector<std::string>{"gadget", "hidden-gadget", "widget"}));
    EXPECT_EQ(names(registry.subtypes("resettable")), (std::vector<std::string>{"gadget", "hidden-gadget"}));
}

TEST(TypeRegistry, CreateByName) {
    emu::TypeRegistry registry;
    registry.register_batch(widget_types(), "widgets");
    auto object = registry.create("gadget");
    ASSERT_NE(object, nullptr);
    EXPECT_EQ(object->type().name(), "gadget");
    EXPECT_NE(dynamic_cast<Gadget*>(object.get()), nullptr);
}

TEST(TypeRegistry, CreateErrors) {
    emu::TypeRegistry registry;
    registry.register_batch(widget_types(), "widgets");
    try {
        registry.create("widget");
        FAIL();
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "type 'widget' is abstract and cannot be created");
    }
    try {
        registry.create("sprocket");
        FAIL();
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "no type 'sprocket'");
    }
    registry.note_provider_hint("pl011", "pl011");
    try {
        registry.create("pl011");
        FAIL();
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "no type 'pl011' (it is provided by plugin 'pl011', which is not loaded)");
    }
}

TEST(TypeRegistry, DuplicateNameNamesBothProviders) {
    emu::TypeRegistry registry;
    registry.register_batch(widget_types(), "widgets");
    emu::TypeBatch again;
    again.add({.name = "gadget", .parent = "device", .factory = emu::factory_of<Gadget>()});
    try {
        registry.register_batch(again, "copycat");
        FAIL();
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(), "type 'gadget' from 'copycat' is already provided by 'widgets'");
    }
}

TEST(TypeRegistry, FailedBatchLeavesRegistryUnchanged) {
    emu::TypeRegistry registry;
    const std::size_t before = registry.size();
    emu::TypeBatch batch;
    batch.add({.name = "fine", .parent = "device", .factory = emu::factory_of<Gadget>()});
    batch.add({.name = "orphan", .parent = "no-such-parent", .factory = emu::factory_of<Gadget>()});
    EXPECT_THROW(registry.register_batch(batch, "broken"), emu::Error);
    EXPECT_EQ(registry.size(), before);
    EXPECT_EQ(registry.find("fine"), nullptr);
}

TEST(TypeRegistry, BatchErrors) {
    emu::TypeRegistry registry;
    auto message = [&](emu::TypeBatch batch) {
        try {
            registry.register_batch(batch, "p");
        } catch (const emu::Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    emu::TypeBatch twice;
    twice.add({.name = "a", .parent = "device", .factory = emu::factory_of<Gadget>()});
    twice.add({.name = "a", .parent = "device", .factory = emu::factory_of<Gadget>()});
    EXPECT_EQ(message(twice), "type 'a' is registered twice by 'p'");
    emu::TypeBatch no_factory;
    no_factory.add({.name = "b", .parent = "device"});
    EXPECT_EQ(message(no_factory), "type 'b' from 'p' is concrete but has no factory");
    emu::TypeBatch loop;
    loop.add({.name = "c", .parent = "d", .abstract = true});
    loop.add({.name = "d", .parent = "c", .abstract = true});
    EXPECT_EQ(message(loop), "type 'c' from 'p' is its own ancestor");
    emu::TypeBatch bad_iface;
    bad_iface.add({.name = "e", .parent = "device", .interfaces = {"device"}, .factory = emu::factory_of<Gadget>()});
    EXPECT_EQ(message(bad_iface), "type 'e' from 'p' implements unknown interface 'device'");
}

TEST(TypeRegistry, AliasesFindTheType) {
    emu::TypeRegistry registry;
    emu::TypeBatch batch;
    batch.add({.name = "board", .parent = "machine", .aliases = {"board-v1"},
               .factory = emu::factory_of<emu::Machine>()});
    registry.register_batch(batch, "boards");
    EXPECT_EQ(registry.find("board-v1"), registry.find("board"));
    EXPECT_EQ(registry.create("board-v1")->type().name(), "board");
    emu::TypeBatch clash;
    clash.add({.name = "board-v1", .parent = "machine", .factory = emu::factory_of<emu::Machine>()});
    EXPECT_THROW(registry.register_batch(clash, "other"), emu::Error);
}

TEST(TypeRegistry, ClassInitFailureIsReported) {
    emu::TypeRegistry registry;
    emu::TypeBatch batch;
    batch.add({.name = "bad-class", .parent = "device", .factory = emu::factory_of<Gadget>(),
               .class_init = [](emu::ObjectClass& c) { c.set_default("nonexistent", "1"); }});
    try {
        registry.register_batch(batch, "p");
        FAIL();
    } catch (const emu::Error& e) {
        EXPECT_STREQ(e.what(),
                     "type 'bad-class' from 'p': class init failed: bad-class: cannot set default of "
                     "unknown property 'nonexistent'");
    }
}

}  // namespace
