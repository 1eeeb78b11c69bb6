// Where emu looks for plugins: --plugin-dir, then EMU_PLUGIN_PATH, then $XDG_DATA_HOME/emu/plugins;
// the first copy of a plugin wins.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "run_emu.h"

namespace emu::test {
namespace {

namespace fs = std::filesystem;

RunOptions with_env(std::string name, std::string value) {
    RunOptions o;
    o.env.emplace_back(std::move(name), std::move(value));
    return o;
}

std::vector<std::string> search_path(const RunResult& r) {
    std::vector<std::string> dirs;
    const auto out = lines(r.out);
    const int header = find_line(out, "Plugin search path:");
    for (int i = header + 1; header >= 0 && i < static_cast<int>(out.size()) && !out[i].empty(); ++i)
        dirs.push_back(out[i].substr(4));
    return dirs;
}

bool lists_test_machine(const RunResult& r) {
    return find_line(lines(r.out), "test-machine ", true) >= 0;
}

TEST(PluginPath, EnvironmentVariableIsHonoured) {
    const RunResult r = run_emu({"-M", "help"}, with_env("EMU_PLUGIN_PATH", good_plugins()));
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    EXPECT_TRUE(lists_test_machine(r)) << r.describe();
    EXPECT_EQ(r.err, "");
}

TEST(PluginPath, EnvironmentVariableIsAColonSeparatedList) {
    const RunResult r =
        run_emu({"--list-plugins"}, with_env("EMU_PLUGIN_PATH", "/nonexistent/a::" + good_plugins() + ":"));
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    const auto dirs = search_path(r);
    ASSERT_GE(dirs.size(), 2u) << r.out;
    EXPECT_EQ(dirs[0], "/nonexistent/a");
    EXPECT_EQ(dirs[1], canonical(good_plugins()));
    EXPECT_TRUE(contains(r.out, "\ntestkit 1.0.0")) << r.out;
}

TEST(PluginPath, PluginDirComesBeforeTheEnvironment) {
    const RunResult r = run_emu({"--plugin-dir", broken_plugins(), "--list-plugins"},
                                with_env("EMU_PLUGIN_PATH", good_plugins()));
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    const auto dirs = search_path(r);
    ASSERT_GE(dirs.size(), 3u) << r.out;
    EXPECT_EQ(dirs[0], canonical(broken_plugins()));
    EXPECT_EQ(dirs[1], canonical(good_plugins()));
    EXPECT_EQ(dirs[2], canonical(isolated_xdg_data_home() + "/emu/plugins"));
}

TEST(PluginPath, FirstCopyWinsPluginDirOverEnvironment) {
    TempDir copy;
    fs::copy_file(good_plugins() + "/testkit.so", copy.path() / "testkit.so");
    const RunResult r = run_emu({"--plugin-dir", copy.str(), "--list-plugins"},
                                with_env("EMU_PLUGIN_PATH", good_plugins()));
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    EXPECT_TRUE(contains(r.out, "\ntestkit 1.0.0 (MIT)  " + canonical(copy.str()) + "/testkit.so\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "    SKIPPED " + canonical(good_plugins()) + "/testkit.so: ")) << r.out;
}

TEST(PluginPath, ShadowedCopyIsNoWarning) {
    TempDir copy;
    fs::copy_file(good_plugins() + "/testkit.so", copy.path() / "testkit.so");
    const RunResult r = run_emu({"--plugin-dir", copy.str(), "-M", "help"},
                                with_env("EMU_PLUGIN_PATH", good_plugins()));
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    EXPECT_TRUE(lists_test_machine(r)) << r.describe();
    EXPECT_EQ(r.err, "");
}

TEST(PluginPath, UserDataDirectory) {
    TempDir data;
    fs::create_directories(data.path() / "emu" / "plugins");
    fs::copy_file(good_plugins() + "/testkit.so", data.path() / "emu" / "plugins" / "testkit.so");
    const RunResult r = run_emu({"-M", "help"}, with_env("XDG_DATA_HOME", data.str()));
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    EXPECT_TRUE(lists_test_machine(r)) << r.describe();

    // After EMU_PLUGIN_PATH.
    RunOptions both = with_env("XDG_DATA_HOME", data.str());
    both.env.emplace_back("EMU_PLUGIN_PATH", broken_plugins());
    const auto dirs = search_path(run_emu({"--list-plugins"}, both));
    ASSERT_GE(dirs.size(), 2u);
    EXPECT_EQ(dirs[0], canonical(broken_plugins()));
    EXPECT_EQ(dirs[1], canonical(data.str() + "/emu/plugins"));
}

TEST(PluginPath, NothingFoundWithoutAnyOfThem) {
    const RunResult r = run_emu({"-M", "help"});
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    EXPECT_FALSE(lists_test_machine(r)) << r.describe();
}

TEST(PluginPath, SameDirectoryTwiceIsSearchedOnce) {
    const RunResult r = run_emu({"--plugin-dir", good_plugins(), "--plugin-dir", good_plugins() + "/.", "--list-plugins"},
                                with_env("EMU_PLUGIN_PATH", good_plugins()));
    ASSERT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    const auto dirs = search_path(r);
    EXPECT_EQ(std::count(dirs.begin(), dirs.end(), canonical(good_plugins())), 1) << r.out;
    EXPECT_FALSE(contains(r.out, "Not loaded:")) << r.out;
}

}  // namespace
}  // namespace emu::test
