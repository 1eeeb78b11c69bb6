#include "plugin_loader.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

#include <boost/dll/library_info.hpp>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include "emu/error.h"
#include "emu/plugin.h"
#include "emu/type.h"

namespace emu {
namespace fs = std::filesystem;

namespace {

constexpr const char* kDescriptorSymbol = "emu_plugin_descriptor";

// Libraries are never unloaded: types and objects hold code from them until exit.
std::vector<std::unique_ptr<boost::dll::shared_library>>& loaded_libraries() {
    static auto* libraries = new std::vector<std::unique_ptr<boost::dll::shared_library>>();
    return *libraries;
}

bool is_elf(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, 4) && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
}

// Vet the file without running any of its code: it must be an ELF that exports the descriptor.
void check_exports_descriptor(const fs::path& file) {
    if (!is_elf(file)) throw Error("not an ELF shared object");
    std::vector<std::string> symbols;
    try {
        boost::dll::library_info info(boost::dll::fs::path(file.string()), false);
        symbols = info.symbols();
    } catch (const std::exception& e) {
        throw Error(std::string("cannot read the ELF file: ") + e.what());
    }
    if (std::find(symbols.begin(), symbols.end(), kDescriptorSymbol) == symbols.end())
        throw Error(std::string("not an emu plugin (no '") + kDescriptorSymbol + "' symbol)");
}

std::string first_line(std::string text) {
    if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
    return text;
}

}  // namespace

fs::path PluginLoader::core_library() {
    return fs::path(boost::dll::this_line_location().string());
}

std::vector<fs::path> PluginLoader::default_directories() {
    std::vector<fs::path> dirs;
    const fs::path libdir = core_library().parent_path();
    std::error_code ec;
    if (fs::is_directory(libdir / "plugins", ec))
        dirs.push_back(libdir / "plugins");         // build tree: build/libemu.so, build/plugins
    else
        dirs.push_back(libdir / "emu" / "plugins");  // installed: <libdir>/emu/plugins
    return dirs;
}

std::vector<fs::path> PluginLoader::search_path(const std::vector<std::string>& plugin_dirs) {
    std::vector<fs::path> path(plugin_dirs.begin(), plugin_dirs.end());
    if (const char* env = std::getenv("EMU_PLUGIN_PATH")) {
        std::string_view list(env);
        while (!list.empty()) {
            const auto colon = list.find(':');
            if (colon != 0) path.emplace_back(std::string(list.substr(0, colon)));
            if (colon == std::string_view::npos) break;
            list.remove_prefix(colon + 1);
        }
    }
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        path.push_back(fs::path(xdg) / "emu" / "plugins");
    else if (const char* home = std::getenv("HOME"); home && *home)
        path.push_back(fs::path(home) / ".local" / "share" / "emu" / "plugins");
    for (auto& dir : default_directories()) path.push_back(dir);
    // The same directory named twice is searched once.
    std::vector<fs::path> unique;
    for (auto& dir : path) {
        std::error_code ec;
        fs::path canonical = fs::weakly_canonical(dir, ec);
        if (ec) canonical = dir;
        if (std::find(unique.begin(), unique.end(), canonical) == unique.end())
            unique.push_back(canonical);
    }
    return unique;
}

void PluginLoader::load_path(const std::vector<fs::path>& path) {
    for (auto& dir : path) load_directory(dir);
}

void PluginLoader::load_directory(const fs::path& directory) {
    std::error_code ec;
    if (!fs::is_directory(directory, ec)) return;
    std::vector<fs::path> files;
    for (auto& entry : fs::directory_iterator(directory, ec))
        if (entry.path().extension() == ".so" && !entry.is_directory(ec)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (auto& file : files) load_file(file);
}

const PluginRecord& PluginLoader::load_file(const fs::path& file) {
    PluginRecord record;
    record.file = file;
    try {
        load_into(record);
    } catch (const std::exception& e) {
        record.loaded = false;
        record.error = first_line(e.what());
    }
    plugins_.push_back(std::move(record));
    return plugins_.back();
}

void PluginLoader::load_into(PluginRecord& record) {
    check_exports_descriptor(record.file);
    auto library = std::make_unique<boost::dll::shared_library>();
    try {
        library->load(boost::dll::fs::path(record.file.string()),
                      boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const boost::system::system_error& e) {
        // Boost appends its error code's text to dlerror()'s message; dlerror() says it all.
        std::string message = e.what();
        const std::string suffix = ": " + e.code().message();
        if (message.size() > suffix.size() && message.compare(message.size() - suffix.size(), suffix.size(), suffix) == 0)
            message.resize(message.size() - suffix.size());
        throw Error("cannot load: " + message);
    } catch (const std::exception& e) {
        throw Error(std::string("cannot load: ") + e.what());
    }
    const auto& descriptor = library->get_alias<const PluginDescriptor>(kDescriptorSymbol);
    loaded_libraries().push_back(std::move(library));

    if (descriptor.abi_version != kPluginAbiVersion)
        throw Error("built for plugin ABI " + std::to_string(descriptor.abi_version) +
                    ", this emu has ABI " + std::to_string(kPluginAbiVersion));
    if (!descriptor.name || !*descriptor.name || !descriptor.register_types)
        throw Error("plugin descriptor has no name or no register function");
    record.name = descriptor.name;
    record.version = descriptor.version ? descriptor.version : "";
    record.description = descriptor.description ? descriptor.description : "";
    record.license = descriptor.license ? descriptor.license : "";

    for (auto& earlier : plugins_)
        if (earlier.loaded && earlier.name == record.name) {
            record.shadowed = true;
            throw Error("plugin '" + record.name + "' is already loaded from " +
                        earlier.file.string() + "; this copy is skipped");
        }

    if (descriptor.needs)
        for (const char* const* need = descriptor.needs; *need; ++need) {
            std::string_view entry(*need);
            if (auto eq = entry.find('='); eq != std::string_view::npos)
                registry_.note_provider_hint(std::string(entry.substr(0, eq)),
                                             std::string(entry.substr(eq + 1)));
        }

    TypeBatch batch;
    try {
        descriptor.register_types(batch);
    } catch (const std::exception& e) {
        throw Error(std::string("failed while registering its types: ") + e.what());
    } catch (...) {
        throw Error("failed while registering its types (unknown exception)");
    }
    registry_.register_batch(batch, record.name);
    record.loaded = true;
}

std::vector<std::string> PluginLoader::failures() const {
    std::vector<std::string> lines;
    for (auto& p : plugins_)
        if (!p.loaded && !p.shadowed)
            lines.push_back("plugin " + p.file.string() + " skipped: " + p.error);
    return lines;
}

}  // namespace emu
