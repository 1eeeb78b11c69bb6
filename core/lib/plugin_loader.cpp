#include "plugin_loader.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fstream>
#include <memory>

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

// Reads exactly size bytes at offset, or returns false.
bool read_at(int fd, std::uint64_t offset, void* buffer, std::size_t size) {
    auto* out = static_cast<char*>(buffer);
    while (size > 0) {
        const ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset));
        if (n <= 0) return false;
        out += n;
        offset += static_cast<std::uint64_t>(n);
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

// Vet the file without running any of its code: it must be a 64-bit ELF shared object whose
// dynamic symbol table defines the descriptor. Only .dynsym is consulted (what dlopen sees),
// so stripped plugins, as distributions ship them, pass; every offset is bounds-checked.
void check_exports_descriptor(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(std::string("cannot open: ") + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw Error(std::string("cannot stat: ") + std::strerror(errno));
    const auto file_size = static_cast<std::uint64_t>(st.st_size);

    Elf64_Ehdr eh{};
    if (!read_at(fd, 0, &eh, sizeof eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
        throw Error("not an ELF shared object");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64)
        throw Error("not a 64-bit x86 shared object (built for another architecture?)");
    if (eh.e_type != ET_DYN) throw Error("not a shared object (ELF type " + std::to_string(eh.e_type) + ")");
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 ||
        eh.e_shoff + std::uint64_t(eh.e_shnum) * sizeof(Elf64_Shdr) > file_size)
        throw Error("damaged ELF file (section headers)");
    std::vector<Elf64_Shdr> sections(eh.e_shnum);
    if (!read_at(fd, eh.e_shoff, sections.data(), sections.size() * sizeof(Elf64_Shdr)))
        throw Error("damaged ELF file (section headers)");

    for (const Elf64_Shdr& symtab : sections) {
        if (symtab.sh_type != SHT_DYNSYM) continue;
        if (symtab.sh_link >= sections.size() || symtab.sh_entsize != sizeof(Elf64_Sym))
            throw Error("damaged ELF file (dynamic symbols)");
        const Elf64_Shdr& strtab = sections[symtab.sh_link];
        if (symtab.sh_offset + symtab.sh_size > file_size || strtab.sh_offset + strtab.sh_size > file_size ||
            symtab.sh_size > (64u << 20) || strtab.sh_size > (64u << 20))
            throw Error("damaged ELF file (dynamic symbols)");
        std::vector<Elf64_Sym> symbols(symtab.sh_size / sizeof(Elf64_Sym));
        std::string names(strtab.sh_size, '\0');
        if (!read_at(fd, symtab.sh_offset, symbols.data(), symbols.size() * sizeof(Elf64_Sym)) ||
            !read_at(fd, strtab.sh_offset, names.data(), names.size()))
            throw Error("damaged ELF file (dynamic symbols)");
        const std::string_view wanted = kDescriptorSymbol;
        for (const Elf64_Sym& sym : symbols) {
            if (sym.st_shndx == SHN_UNDEF || sym.st_name >= names.size()) continue;
            const std::string_view name(names.c_str() + sym.st_name);
            if (name == wanted) return;
        }
    }
    throw Error(std::string("not an emu plugin (no '") + kDescriptorSymbol + "' symbol)");
}

std::string first_line(std::string text) {
    if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
    return text;
}

}  // namespace

// An object inside libemu: dladdr() on its address names the file libemu was loaded from.
const char libemu_anchor = 0;

fs::path PluginLoader::core_library() {
    Dl_info info{};
    if (::dladdr(&libemu_anchor, &info) == 0 || !info.dli_fname || !*info.dli_fname)
        return fs::path(boost::dll::this_line_location().string());
    // The loader names it as found through RUNPATH ("/usr/bin/../lib/.../libemu.so.0"): tidy the
    // directory, keep the file name (the SONAME link, not the file it points to).
    const fs::path file(info.dli_fname);
    std::error_code ec;
    fs::path dir = fs::weakly_canonical(fs::absolute(file, ec).parent_path(), ec);
    if (ec) dir = file.parent_path().lexically_normal();
    return dir / file.filename();
}

std::vector<fs::path> PluginLoader::default_directories() {
    const fs::path libdir = core_library().parent_path();
    const fs::path installed = libdir / "emu" / "plugins";  // <libdir>/libemu.so, <libdir>/emu/plugins
    const fs::path build_tree = libdir / "plugins";          // build/libemu.so, build/plugins
    std::error_code ec;
    if (!fs::is_directory(installed, ec) && fs::is_directory(build_tree, ec)) return {build_tree};
    return {installed};
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
    // XDG base directories: a relative XDG_DATA_HOME is invalid and ignored.
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && fs::path(xdg).is_absolute())
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
