#include "emu/fdt.h"

#include <libfdt.h>

#include <algorithm>
#include <cstring>

#include "emu/error.h"

namespace emu {

namespace {

Error fdt_error(const std::string& what, int err) {
    return Error("device tree: " + what + ": " + fdt_strerror(err));
}

std::uint32_t to_be32(std::uint32_t v) { return __builtin_bswap32(v); }

// The header's totalsize (big-endian, at offset 4). Not libfdt's fdt_totalsize(): its cast of a
// byte buffer to a 4-aligned header trips clang's -Wcast-align (the buffers are aligned anyway).
std::uint32_t total_size(const std::uint8_t* blob) {
    std::uint32_t v;
    std::memcpy(&v, blob + 4, sizeof v);
    return to_be32(v);
}

}  // namespace

Fdt::Fdt() : buffer_(64 * 1024) {
    int err = fdt_create_empty_tree(buffer_.data(), static_cast<int>(buffer_.size()));
    if (err) throw fdt_error("create", err);
}

Fdt::Fdt(std::vector<std::uint8_t> blob) {
    if (blob.size() < sizeof(fdt_header) || fdt_check_header(blob.data()) != 0)
        throw Error("not a valid device tree blob");
    if (total_size(blob.data()) > blob.size()) throw Error("truncated device tree blob");
    buffer_.resize(blob.size() + 64 * 1024);
    int err = fdt_open_into(blob.data(), buffer_.data(), static_cast<int>(buffer_.size()));
    if (err) throw fdt_error("open", err);
    // Keep new phandles clear of the existing ones.
    next_phandle_ = fdt_get_max_phandle(buffer_.data()) + 1;
}

void Fdt::grow() {
    std::vector<std::uint8_t> bigger(buffer_.size() * 2);
    int err = fdt_open_into(buffer_.data(), bigger.data(), static_cast<int>(bigger.size()));
    if (err) throw fdt_error("grow", err);
    buffer_.swap(bigger);
}

int Fdt::offset_of(const std::string& path) const {
    return fdt_path_offset(buffer_.data(), path.c_str());
}

bool Fdt::has_node(const std::string& path) const { return offset_of(path) >= 0; }

void Fdt::add_node(const std::string& path) {
    if (has_node(path)) return;
    const auto slash = path.rfind('/');
    if (slash == std::string::npos || slash + 1 == path.size()) throw Error("device tree: bad node path '" + path + "'");
    const std::string parent = slash == 0 ? "/" : path.substr(0, slash);
    const std::string name = path.substr(slash + 1);
    for (;;) {
        const int parent_offset = offset_of(parent);
        if (parent_offset < 0) throw fdt_error("parent of " + path, parent_offset);
        const int err = fdt_add_subnode(buffer_.data(), parent_offset, name.c_str());
        if (err >= 0) return;
        if (err != -FDT_ERR_NOSPACE) throw fdt_error("add " + path, err);
        grow();
    }
}

void Fdt::set(const std::string& path, const std::string& name, const void* data, std::size_t size) {
    for (;;) {
        const int node = offset_of(path);
        if (node < 0) throw fdt_error("node " + path, node);
        const int err = fdt_setprop(buffer_.data(), node, name.c_str(), data, static_cast<int>(size));
        if (err == 0) return;
        if (err != -FDT_ERR_NOSPACE) throw fdt_error(path + ":" + name, err);
        grow();
    }
}

void Fdt::set_empty(const std::string& path, const std::string& name) { set(path, name, nullptr, 0); }

void Fdt::set_u32(const std::string& path, const std::string& name, std::uint32_t value) {
    set_cells(path, name, {value});
}

void Fdt::set_u64(const std::string& path, const std::string& name, std::uint64_t value) {
    set_cells(path, name, cells64({value}));
}

void Fdt::set_cells(const std::string& path, const std::string& name, const std::vector<std::uint32_t>& cells) {
    std::vector<std::uint32_t> be(cells.size());
    std::transform(cells.begin(), cells.end(), be.begin(), to_be32);
    set(path, name, be.data(), be.size() * sizeof(std::uint32_t));
}

void Fdt::set_string(const std::string& path, const std::string& name, const std::string& value) {
    set(path, name, value.c_str(), value.size() + 1);
}

void Fdt::set_strings(const std::string& path, const std::string& name, const std::vector<std::string>& values) {
    std::string joined;
    for (const std::string& v : values) joined.append(v).push_back('\0');
    set(path, name, joined.data(), joined.size());
}

void Fdt::remove_property(const std::string& path, const std::string& name) {
    const int node = offset_of(path);
    if (node >= 0) fdt_delprop(buffer_.data(), node, name.c_str());
}

std::optional<std::string> Fdt::find_compatible(const std::string& compatible) const {
    const int node = fdt_node_offset_by_compatible(buffer_.data(), -1, compatible.c_str());
    if (node < 0) return std::nullopt;
    char path[512];
    if (fdt_get_path(buffer_.data(), node, path, sizeof path) != 0) return std::nullopt;
    return std::string(path);
}

std::optional<std::uint32_t> Fdt::get_u32(const std::string& path, const std::string& name) const {
    const int node = offset_of(path);
    if (node < 0) return std::nullopt;
    int length = 0;
    const void* value = fdt_getprop(buffer_.data(), node, name.c_str(), &length);
    if (!value || length != 4) return std::nullopt;
    std::uint32_t cell;
    std::memcpy(&cell, value, 4);
    return to_be32(cell);
}

std::uint32_t Fdt::allocate_phandle() { return next_phandle_++; }

std::uint32_t Fdt::set_phandle(const std::string& path) {
    const std::uint32_t phandle = allocate_phandle();
    set_u32(path, "phandle", phandle);
    return phandle;
}

std::vector<std::uint8_t> Fdt::blob() const {
    std::vector<std::uint8_t> copy = buffer_;
    fdt_pack(copy.data());
    copy.resize(total_size(copy.data()));
    return copy;
}

std::vector<std::uint8_t> Fdt::blob_with_room(std::size_t total_size) const {
    std::vector<std::uint8_t> packed = blob();
    if (total_size <= packed.size()) return packed;
    std::vector<std::uint8_t> roomy(total_size);
    const int err = fdt_open_into(packed.data(), roomy.data(), static_cast<int>(roomy.size()));
    if (err) throw fdt_error("resize", err);
    return roomy;
}

}  // namespace emu
