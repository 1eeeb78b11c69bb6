// The listings: -M help, -device help, -device TYPE,help, -cpu help, -accel help and
// --list-plugins (text and JSON). All of them are generated from the registry.
#pragma once

#include <filesystem>
#include <ostream>
#include <string_view>
#include <vector>

namespace emu {
class PluginLoader;
class Type;
class TypeRegistry;
}  // namespace emu

namespace emu::cli {

void print_machines(const TypeRegistry& registry, std::ostream& out);
void print_devices(const TypeRegistry& registry, std::ostream& out);
// Types of one category under base ("cpu", "accel"), for -cpu help and -accel help.
void print_types(const TypeRegistry& registry, std::string_view base, std::string_view heading,
                 std::ostream& out);
void print_properties(const Type& type, std::ostream& out);
void print_plugins(const PluginLoader& loader, const TypeRegistry& registry,
                   const std::vector<std::filesystem::path>& search_path, bool json,
                   std::ostream& out);

}  // namespace emu::cli
