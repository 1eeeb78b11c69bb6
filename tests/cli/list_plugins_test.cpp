// --list-plugins, as text and as JSON: the search path, the core, each loaded plugin with its
// types, and each plugin that did not load with its one-line reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "json.h"
#include "run_emu.h"

namespace emu::test {
namespace {

namespace fs = std::filesystem;

// Each file of the broken directory and what its reason must say.
struct BrokenCase {
    const char* file;
    std::vector<std::string> reason;  // substrings of the one-line reason
};
const std::vector<BrokenCase>& broken_cases() {
    static const std::vector<BrokenCase> cases = {
        {"not_elf.so", {"not an ELF"}},
        {"no_descriptor.so", {"not an emu plugin", "emu_plugin_descriptor"}},
        {"no_name.so", {"no name"}},
        {"wrong_abi.so", {"ABI 999"}},
        {"throws_on_register.so", {"registering", "cannot find its firmware"}},
        // Names the type and both plugins.
        {"duplicate_type.so", {"'test-device'", "duplicate_type", "testkit"}},
        {"unresolved_symbol.so", {"emu_function_that_does_not_exist"}},
    };
    return cases;
}

RunResult list_plugins(std::vector<std::string> args, RunOptions options = {}) {
    args.push_back("--list-plugins");
    RunResult r = run_emu(args, std::move(options));
    EXPECT_TRUE(r.exited && r.exit_status == 0) << r.describe();
    // Failures are part of the listing; they are not repeated as warnings.
    EXPECT_EQ(r.err, "") << r.describe();
    return r;
}

// The lines of the block that starts with the line `header` (up to the next blank line).
std::vector<std::string> block(const std::vector<std::string>& out, int header) {
    std::vector<std::string> result;
    for (int i = header + 1; i < static_cast<int>(out.size()) && !out[i].empty(); ++i)
        result.push_back(out[i]);
    return result;
}

std::vector<std::string> search_path(const std::vector<std::string>& out) {
    std::vector<std::string> dirs;
    const int header = find_line(out, "Plugin search path:");
    if (header < 0) return dirs;
    for (const std::string& line : block(out, header)) dirs.push_back(line.substr(4));
    return dirs;
}

int index_of(const std::vector<std::string>& list, const std::string& item) {
    for (std::size_t i = 0; i < list.size(); ++i)
        if (list[i] == item) return static_cast<int>(i);
    return -1;
}

// ----- text ------------------------------------------------------------------------------------

TEST(ListPlugins, SearchPathStartsWithThePluginDir) {
    const RunResult r = list_plugins({"--plugin-dir", good_plugins()});
    const auto out = lines(r.out);
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.front(), "Plugin search path:");
    const auto dirs = search_path(out);
    ASSERT_FALSE(dirs.empty()) << r.out;
    EXPECT_EQ(dirs.front(), canonical(good_plugins())) << r.out;
    // Then the user's directory ($XDG_DATA_HOME/emu/plugins), then the one next to libemu.
    const int xdg = index_of(dirs, canonical(isolated_xdg_data_home() + "/emu/plugins"));
    EXPECT_EQ(xdg, 1) << r.out;
    EXPECT_EQ(dirs.size(), 3u) << r.out;
}

TEST(ListPlugins, PluginDirsKeepTheirOrder) {
    const RunResult r = list_plugins({"--plugin-dir", broken_plugins(), "-plugin-dir", good_plugins()});
    const auto dirs = search_path(lines(r.out));
    ASSERT_GE(dirs.size(), 2u) << r.out;
    EXPECT_EQ(dirs[0], canonical(broken_plugins()));
    EXPECT_EQ(dirs[1], canonical(good_plugins()));
}

TEST(ListPlugins, ShowsTheCore) {
    const RunResult r = list_plugins({});
    const auto out = lines(r.out);
    const int core = find_line(out, "core ", true);
    ASSERT_GE(core, 0) << r.out;
    EXPECT_TRUE(contains(out[core], "libemu")) << out[core];  // the file the core came from
    const auto body = block(out, core);
    EXPECT_GE(index_of(body, "    built into emu"), 0) << r.out;
    EXPECT_GE(index_of(body, "    machine: none"), 0) << r.out;
}

TEST(ListPlugins, ShowsTestkitWithVersionFileAndTypesByKind) {
    const RunResult r = list_plugins({"--plugin-dir", good_plugins()});
    const auto out = lines(r.out);
    const std::string file = canonical(good_plugins()) + "/testkit.so";
    const int header = find_line(out, "testkit 1.0.0 (MIT)  " + file);
    ASSERT_GE(header, 0) << r.out;
    const auto body = block(out, header);
    EXPECT_GE(index_of(body, "    Types for emu's own tests"), 0) << r.out;
    EXPECT_GE(index_of(body, "    backend: netdev-testnet"), 0) << r.out;
    EXPECT_GE(index_of(body, "    machine: test-machine"), 0) << r.out;
    EXPECT_GE(index_of(body, "    misc: test-device"), 0) << r.out;
    EXPECT_FALSE(contains(r.out, "Not loaded:")) << r.out;
}

TEST(ListPlugins, WithoutPluginDirTestkitIsNotFound) {
    const RunResult r = list_plugins({});
    EXPECT_FALSE(contains(r.out, "testkit")) << r.out;
}

TEST(ListPlugins, BrokenPluginsAreListedUnderNotLoaded) {
    const RunResult r = list_plugins({"--plugin-dir", good_plugins(), "--plugin-dir", broken_plugins()});
    const auto out = lines(r.out);
    // testkit still loads, with all of its types.
    const int testkit = find_line(out, "testkit 1.0.0", true);
    ASSERT_GE(testkit, 0) << r.out;
    EXPECT_GE(index_of(block(out, testkit), "    misc: test-device"), 0) << r.out;

    const int header = find_line(out, "Not loaded:");
    ASSERT_GE(header, 0) << r.out;
    EXPECT_GT(header, testkit);
    const auto failed = block(out, header);
    EXPECT_EQ(failed.size(), broken_cases().size()) << r.out;
    for (const BrokenCase& c : broken_cases()) {
        SCOPED_TRACE(c.file);
        const std::string prefix = "    FAILED " + canonical(broken_plugins()) + "/" + c.file + ": ";
        const int at = find_line(failed, prefix, true);
        ASSERT_GE(at, 0) << r.out;
        const std::string reason = failed[at].substr(prefix.size());
        EXPECT_FALSE(reason.empty());
        for (const std::string& part : c.reason) EXPECT_TRUE(contains(reason, part)) << reason;
    }
    // None of them shows up as loaded (a loaded plugin's header is "NAME VERSION ...").
    for (const char* name : {"duplicate_type ", "throws_on_register ", "wrong_abi ", "unresolved_symbol "})
        EXPECT_EQ(find_line(out, name, true), -1) << r.out;
}

TEST(ListPlugins, SecondCopyOfAPluginIsSkipped) {
    TempDir copy;
    fs::copy_file(good_plugins() + "/testkit.so", copy.path() / "testkit.so");
    const RunResult r = list_plugins({"--plugin-dir", good_plugins(), "--plugin-dir", copy.str()});
    const auto out = lines(r.out);
    EXPECT_GE(find_line(out, "testkit 1.0.0 (MIT)  " + canonical(good_plugins()) + "/testkit.so"), 0) << r.out;
    const int header = find_line(out, "Not loaded:");
    ASSERT_GE(header, 0) << r.out;
    const auto skipped = block(out, header);
    ASSERT_EQ(skipped.size(), 1u) << r.out;
    EXPECT_TRUE(starts_with(skipped[0], "    SKIPPED " + canonical(copy.str()) + "/testkit.so: ")) << r.out;
    EXPECT_TRUE(contains(skipped[0], canonical(good_plugins()) + "/testkit.so")) << r.out;
}

// ----- JSON ------------------------------------------------------------------------------------

json::Value parse_or_fail(const RunResult& r) {
    try {
        return json::parse(r.out);
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << r.describe();
        return {};
    }
}

const json::Value* plugin_named(const json::Value& doc, std::string_view name) {
    const json::Value* plugins = doc.find("plugins");
    if (!plugins) return nullptr;
    for (const json::Value& p : plugins->items)
        if (const json::Value* n = p.find("name"); n && n->string == name) return &p;
    return nullptr;
}

const json::Value* plugin_from(const json::Value& doc, const std::string& file) {
    const json::Value* plugins = doc.find("plugins");
    if (!plugins) return nullptr;
    for (const json::Value& p : plugins->items)
        if (const json::Value* f = p.find("file"); f && f->string == file) return &p;
    return nullptr;
}

const json::Value* type_named(const json::Value& plugin, std::string_view name) {
    const json::Value* types = plugin.find("types");
    if (!types) return nullptr;
    for (const json::Value& t : types->items)
        if (const json::Value* n = t.find("name"); n && n->string == name) return &t;
    return nullptr;
}

using Kind = json::Value::Kind;

TEST(ListPluginsJson, IsValidJsonWithSearchPathAndPlugins) {
    const RunResult r = list_plugins({"--plugin-dir", good_plugins(), "--json"});
    ASSERT_TRUE(starts_with(r.out, "{")) << r.describe();
    const json::Value doc = parse_or_fail(r);
    ASSERT_TRUE(doc.is(Kind::Object)) << r.out;

    const json::Value* path = doc.find("search_path");
    ASSERT_TRUE(path && path->is(Kind::Array)) << r.out;
    ASSERT_FALSE(path->items.empty());
    for (const json::Value& dir : path->items) EXPECT_TRUE(dir.is(Kind::String));
    EXPECT_EQ(path->items.front().string, canonical(good_plugins()));

    const json::Value* plugins = doc.find("plugins");
    ASSERT_TRUE(plugins && plugins->is(Kind::Array)) << r.out;
    for (const json::Value& p : plugins->items) {
        ASSERT_TRUE(p.is(Kind::Object));
        for (const char* key : {"name", "version", "file"}) EXPECT_TRUE(p.at(key).is(Kind::String)) << key;
        EXPECT_TRUE(p.at("loaded").is(Kind::Bool));
        EXPECT_TRUE(p.at("types").is(Kind::Array));
        if (p.at("loaded").boolean) {
            EXPECT_EQ(p.find("error"), nullptr) << p.at("name").string;
        }
    }

    const json::Value* core = plugin_named(doc, "core");
    ASSERT_NE(core, nullptr) << r.out;
    EXPECT_TRUE(core->at("loaded").boolean);
    const json::Value* none = type_named(*core, "none");
    ASSERT_NE(none, nullptr) << r.out;
    EXPECT_EQ(none->at("kind").string, "machine");
    EXPECT_FALSE(none->at("abstract").boolean);
}

TEST(ListPluginsJson, TestkitWithItsTypes) {
    const RunResult r = list_plugins({"--plugin-dir", good_plugins(), "--json"});
    const json::Value doc = parse_or_fail(r);
    const json::Value* testkit = plugin_named(doc, "testkit");
    ASSERT_NE(testkit, nullptr) << r.out;
    EXPECT_TRUE(testkit->at("loaded").boolean);
    EXPECT_EQ(testkit->at("version").string, "1.0.0");
    EXPECT_EQ(testkit->at("license").string, "MIT");
    EXPECT_EQ(testkit->at("description").string, "Types for emu's own tests");
    EXPECT_EQ(testkit->at("file").string, canonical(good_plugins()) + "/testkit.so");
    struct Expected {
        const char* name;
        const char* kind;
        bool abstract;
    };
    for (const Expected& e : {Expected{"test-device", "misc", false}, Expected{"netdev-testnet", "backend", false},
                              Expected{"test-machine", "machine", false}}) {
        SCOPED_TRACE(e.name);
        const json::Value* type = type_named(*testkit, e.name);
        ASSERT_NE(type, nullptr) << r.out;
        EXPECT_EQ(type->at("kind").string, e.kind);
        EXPECT_EQ(type->at("abstract").boolean, e.abstract);
        EXPECT_TRUE(type->at("description").is(Kind::String));
    }
}

TEST(ListPluginsJson, FailedPluginsCarryTheirError) {
    const RunResult r = list_plugins({"--plugin-dir", good_plugins(), "--plugin-dir", broken_plugins(), "--json"});
    const json::Value doc = parse_or_fail(r);
    const json::Value* testkit = plugin_named(doc, "testkit");
    ASSERT_NE(testkit, nullptr) << r.out;
    EXPECT_TRUE(testkit->at("loaded").boolean);
    EXPECT_NE(type_named(*testkit, "test-device"), nullptr);
    for (const BrokenCase& c : broken_cases()) {
        SCOPED_TRACE(c.file);
        const json::Value* p = plugin_from(doc, canonical(broken_plugins()) + "/" + c.file);
        ASSERT_NE(p, nullptr) << r.out;
        EXPECT_FALSE(p->at("loaded").boolean);
        EXPECT_TRUE(p->at("types").items.empty());
        const json::Value* error = p->find("error");
        ASSERT_TRUE(error && error->is(Kind::String));
        EXPECT_FALSE(contains(error->string, "\n"));
        for (const std::string& part : c.reason) EXPECT_TRUE(contains(error->string, part)) << error->string;
    }
    // Nothing of a plugin that threw while registering was kept.
    for (const json::Value& p : doc.at("plugins").items)
        EXPECT_EQ(type_named(p, "half-registered"), nullptr) << p.at("file").string;
}

TEST(ListPluginsJson, JsonFlagSpellings) {
    // -json and --json, before or after --list-plugins.
    const std::string a = list_plugins({"--plugin-dir", good_plugins(), "-json"}).out;
    const std::string b = run_emu({"--json", "--plugin-dir", good_plugins(), "-list-plugins"}).out;
    EXPECT_EQ(a, b);
    EXPECT_NO_THROW(json::parse(a));
}

#ifdef EMU_TEST_PYTHON3
TEST(ListPluginsJson, PythonAgreesItIsValid) {
    const RunResult r = list_plugins({"--plugin-dir", good_plugins(), "--plugin-dir", broken_plugins(), "--json"});
    TempDir dir;
    const fs::path file = dir.path() / "plugins.json";
    std::ofstream(file) << r.out;
    const RunResult py = run_process(
        EMU_TEST_PYTHON3,
        {"-c",
         "import json, sys\n"
         "doc = json.load(open(sys.argv[1]))\n"
         "names = {p['name'] for p in doc['plugins'] if p['loaded']}\n"
         "assert {'core', 'testkit'} <= names, names\n"
         "failed = [p for p in doc['plugins'] if not p['loaded']]\n"
         "assert len(failed) == 7 and all(p['error'] for p in failed), failed\n"
         "print('ok')\n",
         file.string()});
    EXPECT_TRUE(py.exited && py.exit_status == 0 && py.out == "ok\n") << py.describe();
}
#endif

}  // namespace
}  // namespace emu::test
