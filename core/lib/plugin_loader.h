// Finding and loading plugins (core-internal; the command line and the tests use it).
//
// Search order: every --plugin-dir, then each directory in EMU_PLUGIN_PATH (colon-separated),
// then the user's directory ($XDG_DATA_HOME/emu/plugins), then the system directory found
// relative to libemu (build tree: <dir of libemu>/plugins; installed: <libdir>/emu/plugins).
// The first copy of a plugin name wins. A plugin that fails is recorded with a one-line reason
// and skipped; the others still load. Loaded libraries stay loaded until the process exits.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace emu {

class TypeRegistry;

struct PluginRecord {
    std::filesystem::path file;
    std::string name;           // empty when the descriptor could not be read
    std::string version;
    std::string description;
    std::string license;
    bool loaded = false;
    std::string error;          // why it was skipped (failed or shadowed)
    bool shadowed = false;      // a plugin of the same name was found earlier on the path
};

class PluginLoader {
public:
    explicit PluginLoader(TypeRegistry& registry) : registry_(registry) {}

    // The search path for these --plugin-dir values, the environment and libemu's location.
    static std::vector<std::filesystem::path> search_path(const std::vector<std::string>& plugin_dirs);
    // The file libemu was loaded from.
    static std::filesystem::path core_library();
    // The system plugin directory next to libemu (may not exist).
    static std::vector<std::filesystem::path> default_directories();

    // Load every *.so of each directory (missing directories are skipped), in path order and
    // by file name within a directory.
    void load_path(const std::vector<std::filesystem::path>& path);
    void load_directory(const std::filesystem::path& directory);
    const PluginRecord& load_file(const std::filesystem::path& file);

    const std::vector<PluginRecord>& plugins() const { return plugins_; }
    // One line per plugin that failed to load (not for shadowed copies).
    std::vector<std::string> failures() const;

private:
    void load_into(PluginRecord& record);
    TypeRegistry& registry_;
    std::vector<PluginRecord> plugins_;
};

}  // namespace emu
