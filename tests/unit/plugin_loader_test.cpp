// The plugin loader against real shared objects: a working plugin, and one broken plugin for
// every way loading can fail. Each failure is one line; the others still load.
#include <gtest/gtest.h>

#include <cstdlib>

#include "emu/device.h"
#include "emu/type.h"
#include "emu/version.h"
#include "plugin_loader.h"

namespace {

namespace fs = std::filesystem;
const fs::path kGood = fs::path(EMU_TEST_PLUGIN_DIR) / "good";
const fs::path kBroken = fs::path(EMU_TEST_PLUGIN_DIR) / "broken";

const emu::PluginRecord& record(const emu::PluginLoader& loader, const std::string& file) {
    for (auto& r : loader.plugins())
        if (r.file.filename() == file) return r;
    throw std::runtime_error("no record for " + file);
}

class PluginLoaderTest : public ::testing::Test {
protected:
    void SetUp() override {
        loader.load_directory(kGood);
        loader.load_directory(kBroken);
    }
    emu::TypeRegistry registry;
    emu::PluginLoader loader{registry};
};

TEST_F(PluginLoaderTest, GoodPluginRegistersItsTypes) {
    const auto& r = record(loader, "testkit.so");
    EXPECT_TRUE(r.loaded) << r.error;
    EXPECT_EQ(r.name, "testkit");
    EXPECT_EQ(r.version, "1.0.0");
    EXPECT_EQ(r.license, "MIT");
    const emu::Type* device = registry.find("test-device");
    ASSERT_NE(device, nullptr);
    EXPECT_EQ(device->provider(), "testkit");
    auto object = registry.create("test-device");
    EXPECT_EQ(object->get_property("label"), "hello");
}

TEST_F(PluginLoaderTest, NotAnElf) {
    const auto& r = record(loader, "not_elf.so");
    EXPECT_FALSE(r.loaded);
    EXPECT_EQ(r.error, "not an ELF shared object");
}

TEST_F(PluginLoaderTest, NoDescriptor) {
    EXPECT_EQ(record(loader, "no_descriptor.so").error,
              "not an emu plugin (no 'emu_plugin_descriptor' symbol)");
}

TEST_F(PluginLoaderTest, WrongAbi) {
    EXPECT_EQ(record(loader, "wrong_abi.so").error,
              "built for plugin ABI 999, this emu has ABI " + std::to_string(emu::kPluginAbiVersion));
}

TEST_F(PluginLoaderTest, ThrowsWhileRegisteringAndLeavesNoTypes) {
    EXPECT_EQ(record(loader, "throws_on_register.so").error,
              "failed while registering its types: cannot find its firmware");
    EXPECT_EQ(registry.find("half-registered"), nullptr);
}

TEST_F(PluginLoaderTest, DuplicateTypeNamesBothPlugins) {
    EXPECT_EQ(record(loader, "duplicate_type.so").error,
              "type 'test-device' from 'duplicate_type' is already provided by 'testkit'");
    EXPECT_EQ(registry.get("test-device").provider(), "testkit");
}

TEST_F(PluginLoaderTest, DescriptorWithoutName) {
    EXPECT_EQ(record(loader, "no_name.so").error, "plugin descriptor has no name or no register function");
}

TEST_F(PluginLoaderTest, UnresolvedSymbol) {
    const auto& r = record(loader, "unresolved_symbol.so");
    EXPECT_FALSE(r.loaded);
    EXPECT_NE(r.error.find("cannot load"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("emu_function_that_does_not_exist"), std::string::npos) << r.error;
}

TEST_F(PluginLoaderTest, FailuresAreOneLineEach) {
    auto lines = loader.failures();
    EXPECT_EQ(lines.size(), 7u);
    for (auto& line : lines) {
        EXPECT_EQ(line.find('\n'), std::string::npos);
        EXPECT_EQ(line.rfind("plugin ", 0), 0u) << line;
    }
}

TEST(PluginLoaderPath, SecondCopyOfAPluginIsSkipped) {
    emu::TypeRegistry registry;
    emu::PluginLoader loader(registry);
    loader.load_directory(kGood);
    const fs::path copy_dir = fs::temp_directory_path() / ("emu-loader-test-" + std::to_string(::getpid()));
    fs::create_directories(copy_dir);
    fs::copy_file(kGood / "testkit.so", copy_dir / "testkit.so", fs::copy_options::overwrite_existing);
    const auto& second = loader.load_file(copy_dir / "testkit.so");
    EXPECT_FALSE(second.loaded);
    EXPECT_TRUE(second.shadowed);
    EXPECT_NE(second.error.find("already loaded from"), std::string::npos);
    EXPECT_TRUE(loader.failures().empty());
    fs::remove_all(copy_dir);
}

// Distributions strip plugins (strip --strip-unneeded): the descriptor must still be found,
// since the loader reads the dynamic symbol table, as dlopen does.
TEST(PluginLoaderPath, StrippedPluginLoads) {
    const fs::path dir = fs::temp_directory_path() / ("emu-strip-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::copy_file(kGood / "testkit.so", dir / "testkit.so", fs::copy_options::overwrite_existing);
    const std::string command = "strip --strip-unneeded '" + (dir / "testkit.so").string() + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
    emu::TypeRegistry registry;
    emu::PluginLoader loader(registry);
    const auto& record = loader.load_file(dir / "testkit.so");
    EXPECT_TRUE(record.loaded) << record.error;
    EXPECT_NE(registry.find("test-device"), nullptr);
    fs::remove_all(dir);
}

TEST(PluginLoaderPath, SearchOrder) {
    ::setenv("EMU_PLUGIN_PATH", "/env/one:/env/two", 1);
    ::setenv("XDG_DATA_HOME", "/xdg", 1);
    auto path = emu::PluginLoader::search_path({"/cli/a", "/cli/b"});
    ::unsetenv("EMU_PLUGIN_PATH");
    ::unsetenv("XDG_DATA_HOME");
    ASSERT_GE(path.size(), 6u);
    EXPECT_EQ(path[0], "/cli/a");
    EXPECT_EQ(path[1], "/cli/b");
    EXPECT_EQ(path[2], "/env/one");
    EXPECT_EQ(path[3], "/env/two");
    EXPECT_EQ(path[4], "/xdg/emu/plugins");
    EXPECT_EQ(path[5], emu::PluginLoader::core_library().parent_path() / "plugins");
}

}  // namespace
