// Flattened device trees, built or edited with libfdt: boards generate their tree from the
// same tables that build the board, and patch a given tree (/chosen, extra nodes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emu {

class Fdt {
public:
    Fdt();                                           // an empty tree with a root node
    explicit Fdt(std::vector<std::uint8_t> blob);    // edit an existing tree (throws if invalid)

    // Create the node at path (its parent must exist); an existing node is reused.
    void add_node(const std::string& path);
    bool has_node(const std::string& path) const;

    void set(const std::string& path, const std::string& name, const void* data, std::size_t size);
    void set_empty(const std::string& path, const std::string& name);
    void set_u32(const std::string& path, const std::string& name, std::uint32_t value);
    void set_u64(const std::string& path, const std::string& name, std::uint64_t value);
    // Cells in big-endian order, e.g. reg = <0x0 0x9000000 0x0 0x1000>.
    void set_cells(const std::string& path, const std::string& name, const std::vector<std::uint32_t>& cells);
    void set_string(const std::string& path, const std::string& name, const std::string& value);
    void set_strings(const std::string& path, const std::string& name, const std::vector<std::string>& values);
    void remove_property(const std::string& path, const std::string& name);

    // Lookups, for boards that patch a given tree: the path of the first node compatible with
    // `compatible`, and a property of exactly one cell (nullopt if absent or of another size).
    std::optional<std::string> find_compatible(const std::string& compatible) const;
    std::optional<std::uint32_t> get_u32(const std::string& path, const std::string& name) const;

    // A fresh phandle, and one set on a node (returns it).
    std::uint32_t allocate_phandle();
    std::uint32_t set_phandle(const std::string& path);

    // The blob, packed.
    std::vector<std::uint8_t> blob() const;
    // The blob with free space up to total_size bytes, for firmware that edits the tree in
    // place (U-Boot adds /chosen and memory reservations; QEMU hands over 1 MiB trees).
    std::vector<std::uint8_t> blob_with_room(std::size_t total_size) const;

private:
    int offset_of(const std::string& path) const;
    void grow();
    std::vector<std::uint8_t> buffer_;
    std::uint32_t next_phandle_ = 1;
};

// Split "a,b,c" style reg values into 32-bit cells for #address-cells/#size-cells = 2.
inline std::vector<std::uint32_t> cells64(std::initializer_list<std::uint64_t> values) {
    std::vector<std::uint32_t> cells;
    for (std::uint64_t v : values) {
        cells.push_back(static_cast<std::uint32_t>(v >> 32));
        cells.push_back(static_cast<std::uint32_t>(v));
    }
    return cells;
}

}  // namespace emu
