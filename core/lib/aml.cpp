// The AML builder (sdk/include/emu/aml.h): encodings, data objects, named objects and statements.
// Opcode values and grammar: ACPI 6.4, chapter 20 (ACPI Machine Language Specification).
#include "emu/aml.h"

#include <string>

#include "emu/error.h"

namespace emu::aml {

namespace {

using u8 = std::uint8_t;

// Opcodes (ACPI 6.4 §20.3).
constexpr u8 kZeroOp = 0x00, kOneOp = 0x01, kNameOp = 0x08, kBytePrefix = 0x0a, kWordPrefix = 0x0b,
             kDWordPrefix = 0x0c, kStringPrefix = 0x0d, kQWordPrefix = 0x0e, kScopeOp = 0x10,
             kBufferOp = 0x11, kPackageOp = 0x12, kMethodOp = 0x14, kDualNamePrefix = 0x2e,
             kMultiNamePrefix = 0x2f, kExtOpPrefix = 0x5b, kRootChar = 0x5c, kParentPrefix = 0x5e,
             kLocal0Op = 0x60, kArg0Op = 0x68, kStoreOp = 0x70, kAddOp = 0x72, kSubtractOp = 0x74,
             kIncrementOp = 0x75, kDecrementOp = 0x76, kShiftLeftOp = 0x79, kShiftRightOp = 0x7a,
             kAndOp = 0x7b, kOrOp = 0x7d, kDerefOfOp = 0x83, kNotifyOp = 0x86, kSizeOfOp = 0x87,
             kIndexOp = 0x88, kCreateDWordFieldOp = 0x8a, kLAndOp = 0x90, kLOrOp = 0x91,
             kLNotOp = 0x92, kLEqualOp = 0x93, kLGreaterOp = 0x94, kLLessOp = 0x95, kIfOp = 0xa0,
             kElseOp = 0xa1, kWhileOp = 0xa2, kReturnOp = 0xa4, kBreakOp = 0xa5;
// After kExtOpPrefix.
constexpr u8 kMutexOp = 0x01, kAcquireOp = 0x23, kReleaseOp = 0x27, kDebugOp = 0x31,
             kOpRegionOp = 0x80, kFieldOp = 0x81, kDeviceOp = 0x82;
constexpr u8 kNullName = 0x00;

constexpr std::size_t kMaxPkgLength = (1u << 28) - 1;  // 4 bytes: 4 + 8 + 8 + 8 bits

void append_bytes(Bytes& to, const Bytes& from) { to.insert(to.end(), from.begin(), from.end()); }

// Encode value (which already counts the length bytes, or not, per the caller) in n bytes.
Bytes encode_length(std::size_t value, unsigned n) {
    if (n == 1) return {static_cast<u8>(value)};
    Bytes out;
    out.push_back(static_cast<u8>(((n - 1) << 6) | (value & 0x0f)));
    for (unsigned i = 1; i < n; ++i) out.push_back(static_cast<u8>(value >> (4 + 8 * (i - 1))));
    return out;
}

bool lead_char(char c) { return (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return lead_char(c) || (c >= '0' && c <= '9'); }

void append_segment(Bytes& out, std::string_view segment, std::string_view path) {
    if (segment.empty() || segment.size() > 4 || !lead_char(segment[0]))
        throw Error("AML: bad name segment '" + std::string(segment) + "' in '" + std::string(path) + "'");
    for (char c : segment)
        if (!name_char(c)) throw Error("AML: bad name '" + std::string(path) + "'");
    for (std::size_t i = 0; i < 4; ++i) out.push_back(static_cast<u8>(i < segment.size() ? segment[i] : '_'));
}

Aml op1(u8 opcode, const Aml& operand) {
    Bytes b{opcode};
    append_bytes(b, operand.bytes());
    return Aml::raw(std::move(b));
}

Aml op2(u8 opcode, const Aml& a, const Aml& b) {
    Bytes out{opcode};
    append_bytes(out, a.bytes());
    append_bytes(out, b.bytes());
    return Aml::raw(std::move(out));
}

// Operator with a Target operand: an empty target is the NullName.
Aml op2_target(u8 opcode, const Aml& a, const Aml& b, const Aml& target) {
    Bytes out{opcode};
    append_bytes(out, a.bytes());
    append_bytes(out, b.bytes());
    if (target.empty()) {
        out.push_back(kNullName);
    } else {
        append_bytes(out, target.bytes());
    }
    return Aml::raw(std::move(out));
}

unsigned hex_digit(char c, std::string_view text) {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    throw Error("AML: '" + std::string(text) + "' is not a valid id");
}

}  // namespace

// ---- Encoding primitives ---------------------------------------------------------------------

Bytes pkg_length(std::size_t length) {
    // The smallest encoding whose total (contents + its own bytes) fits its range.
    if (length + 1 <= 0x3f) return encode_length(length + 1, 1);
    if (length + 2 <= 0xfff) return encode_length(length + 2, 2);
    if (length + 3 <= 0xfffff) return encode_length(length + 3, 3);
    if (length + 4 <= kMaxPkgLength) return encode_length(length + 4, 4);
    throw Error("AML: block of " + std::to_string(length) + " bytes is too long");
}

Bytes field_length(std::size_t bits) {
    if (bits <= 0x3f) return encode_length(bits, 1);
    if (bits <= 0xfff) return encode_length(bits, 2);
    if (bits <= 0xfffff) return encode_length(bits, 3);
    if (bits <= kMaxPkgLength) return encode_length(bits, 4);
    throw Error("AML: field of " + std::to_string(bits) + " bits is too long");
}

Bytes name_string(std::string_view path) {
    Bytes out;
    std::string_view rest = path;
    if (!rest.empty() && rest[0] == '\\') {
        out.push_back(kRootChar);
        rest.remove_prefix(1);
    } else {
        while (!rest.empty() && rest[0] == '^') {
            out.push_back(kParentPrefix);
            rest.remove_prefix(1);
        }
    }
    std::vector<std::string_view> segments;
    while (!rest.empty()) {
        std::size_t dot = rest.find('.');
        segments.push_back(rest.substr(0, dot));
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
        if (rest.empty()) throw Error("AML: bad name '" + std::string(path) + "'");
    }
    if (segments.size() > 255) throw Error("AML: name '" + std::string(path) + "' is too long");
    if (segments.empty()) {
        out.push_back(kNullName);
    } else if (segments.size() == 2) {
        out.push_back(kDualNamePrefix);
    } else if (segments.size() > 2) {
        out.push_back(kMultiNamePrefix);
        out.push_back(static_cast<u8>(segments.size()));
    }
    for (auto segment : segments) append_segment(out, segment, path);
    return out;
}

std::uint32_t eisa_id(std::string_view id) {
    if (id.size() != 7) throw Error("AML: '" + std::string(id) + "' is not an EISA id");
    std::uint32_t letters = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        if (id[i] < 'A' || id[i] > 'Z') throw Error("AML: '" + std::string(id) + "' is not an EISA id");
        letters = (letters << 5) | static_cast<std::uint32_t>(id[i] - 0x40);
    }
    std::uint32_t product = 0;
    for (std::size_t i = 3; i < 7; ++i) product = (product << 4) | hex_digit(id[i], id);
    // Byte order in memory: the 15-bit vendor code (big-endian), then the product id (big-endian).
    const std::uint8_t bytes[4] = {static_cast<u8>(letters >> 8), static_cast<u8>(letters),
                                   static_cast<u8>(product >> 8), static_cast<u8>(product)};
    return bytes[0] | (std::uint32_t{bytes[1]} << 8) | (std::uint32_t{bytes[2]} << 16) |
           (std::uint32_t{bytes[3]} << 24);
}

// ---- Aml -------------------------------------------------------------------------------------

Aml Aml::raw(Bytes bytes) {
    Aml a;
    a.head_ = std::move(bytes);
    return a;
}

Aml Aml::block(Bytes opcode, Bytes lead) {
    Aml a;
    a.kind_ = Kind::Block;
    a.head_ = std::move(opcode);
    a.lead_ = std::move(lead);
    return a;
}

Aml Aml::container(Kind kind) {
    Aml a;
    a.kind_ = kind;
    return a;
}

Aml& Aml::append(const Aml& child) {
    append_bytes(body_, child.bytes());
    ++count_;
    return *this;
}

Bytes Aml::bytes() const {
    Bytes out;
    switch (kind_) {
    case Kind::Raw:
        out = head_;
        append_bytes(out, body_);
        break;
    case Kind::Block:
        out = head_;
        append_bytes(out, pkg_length(lead_.size() + body_.size()));
        append_bytes(out, lead_);
        append_bytes(out, body_);
        break;
    case Kind::Package: {
        if (count_ > 255) throw Error("AML: package of " + std::to_string(count_) + " elements is too long");
        out.push_back(kPackageOp);
        append_bytes(out, pkg_length(1 + body_.size()));
        out.push_back(static_cast<u8>(count_));
        append_bytes(out, body_);
        break;
    }
    case Kind::Buffer:
    case Kind::ResourceTemplate: {
        Bytes data = body_;
        if (kind_ == Kind::ResourceTemplate) {
            // End Tag (small item 0xf, length 1) and the checksum that makes the whole sum 0.
            data.push_back(0x79);
            u8 sum = 0;
            for (u8 b : data) sum = static_cast<u8>(sum + b);
            data.push_back(static_cast<u8>(-sum));
        }
        Bytes size = integer(data.size()).bytes();
        out.push_back(kBufferOp);
        append_bytes(out, pkg_length(size.size() + data.size()));
        append_bytes(out, size);
        append_bytes(out, data);
        break;
    }
    }
    return out;
}

// ---- Data ------------------------------------------------------------------------------------

Aml integer(std::uint64_t value) {
    if (value == 0) return Aml::raw({kZeroOp});
    if (value == 1) return Aml::raw({kOneOp});
    unsigned size;
    u8 prefix;
    if (value <= 0xff) {
        prefix = kBytePrefix, size = 1;
    } else if (value <= 0xffff) {
        prefix = kWordPrefix, size = 2;
    } else if (value <= 0xffffffff) {
        prefix = kDWordPrefix, size = 4;
    } else {
        prefix = kQWordPrefix, size = 8;
    }
    Bytes out{prefix};
    for (unsigned i = 0; i < size; ++i) out.push_back(static_cast<u8>(value >> (8 * i)));
    return Aml::raw(std::move(out));
}

Aml string(std::string_view text) {
    Bytes out{kStringPrefix};
    for (char c : text) {
        if (c <= 0 || static_cast<unsigned char>(c) > 0x7f)
            throw Error("AML: string '" + std::string(text) + "' is not ASCII without NUL");
        out.push_back(static_cast<u8>(c));
    }
    out.push_back(0);
    return Aml::raw(std::move(out));
}

Aml eisaid(std::string_view id) {
    std::uint32_t value = eisa_id(id);
    return Aml::raw({kDWordPrefix, static_cast<u8>(value), static_cast<u8>(value >> 8),
                     static_cast<u8>(value >> 16), static_cast<u8>(value >> 24)});
}

Aml uuid(std::string_view text) {
    // "aabbccdd-eeff-gghh-iijj-kkllmmnnoopp": the first three groups are stored little-endian.
    static constexpr std::size_t kDashes[] = {8, 13, 18, 23};
    if (text.size() != 36) throw Error("AML: '" + std::string(text) + "' is not a UUID");
    for (std::size_t d : kDashes)
        if (text[d] != '-') throw Error("AML: '" + std::string(text) + "' is not a UUID");
    Bytes digits;  // the 16 bytes in text order
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '-') {
            ++i;
            continue;
        }
        digits.push_back(static_cast<u8>(hex_digit(text[i], text) << 4 | hex_digit(text[i + 1], text)));
        i += 2;
    }
    static constexpr std::size_t kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    Bytes data;
    for (std::size_t i : kOrder) data.push_back(digits[i]);
    return buffer(data);
}

Aml name(std::string_view path) { return Aml::raw(name_string(path)); }

Aml local(unsigned n) {
    if (n > 7) throw Error("AML: Local" + std::to_string(n) + " does not exist");
    return Aml::raw({static_cast<u8>(kLocal0Op + n)});
}

Aml arg(unsigned n) {
    if (n > 6) throw Error("AML: Arg" + std::to_string(n) + " does not exist");
    return Aml::raw({static_cast<u8>(kArg0Op + n)});
}

Aml package() { return Aml::container(Aml::Kind::Package); }

Aml buffer(std::span<const std::uint8_t> data) {
    Aml b = Aml::container(Aml::Kind::Buffer);
    b.append(Aml::raw(Bytes(data.begin(), data.end())));
    return b;
}

Aml debug() { return Aml::raw({kExtOpPrefix, kDebugOp}); }

// ---- Named objects and blocks ----------------------------------------------------------------

Aml name_decl(std::string_view name, const Aml& value) {
    Bytes out{kNameOp};
    append_bytes(out, name_string(name));
    append_bytes(out, value.bytes());
    return Aml::raw(std::move(out));
}

Aml scope(std::string_view path) { return Aml::block({kScopeOp}, name_string(path)); }

Aml device(std::string_view path) { return Aml::block({kExtOpPrefix, kDeviceOp}, name_string(path)); }

Aml method(std::string_view name, unsigned args, MethodFlags flags) {
    if (args > 7) throw Error("AML: method " + std::string(name) + " cannot take " + std::to_string(args) + " arguments");
    Bytes lead = name_string(name);
    lead.push_back(static_cast<u8>(args | (flags == MethodFlags::Serialized ? 0x08 : 0)));
    return Aml::block({kMethodOp}, std::move(lead));
}

Aml operation_region(std::string_view name, RegionSpace space, std::uint64_t offset, std::uint64_t length) {
    Bytes out{kExtOpPrefix, kOpRegionOp};
    append_bytes(out, name_string(name));
    out.push_back(static_cast<u8>(space));
    append_bytes(out, integer(offset).bytes());
    append_bytes(out, integer(length).bytes());
    return Aml::raw(std::move(out));
}

Aml field(std::string_view region, FieldAccess access, FieldLock lock, FieldUpdate update) {
    Bytes lead = name_string(region);
    lead.push_back(static_cast<u8>(static_cast<unsigned>(access) | (static_cast<unsigned>(lock) << 4) |
                                   (static_cast<unsigned>(update) << 5)));
    return Aml::block({kExtOpPrefix, kFieldOp}, std::move(lead));
}

Aml named_field(std::string_view name, unsigned bits) {
    Bytes out = name_string(name);
    if (out.size() != 4) throw Error("AML: field name '" + std::string(name) + "' must be one name segment");
    append_bytes(out, field_length(bits));
    return Aml::raw(std::move(out));
}

Aml reserved_field(unsigned bits) {
    Bytes out{0x00};
    append_bytes(out, field_length(bits));
    return Aml::raw(std::move(out));
}

Aml mutex(std::string_view name, unsigned sync_level) {
    Bytes out{kExtOpPrefix, kMutexOp};
    append_bytes(out, name_string(name));
    out.push_back(static_cast<u8>(sync_level & 0x0f));
    return Aml::raw(std::move(out));
}

Aml create_dword_field(const Aml& source, const Aml& byte_index, std::string_view name) {
    Bytes out{kCreateDWordFieldOp};
    append_bytes(out, source.bytes());
    append_bytes(out, byte_index.bytes());
    append_bytes(out, name_string(name));
    return Aml::raw(std::move(out));
}

// ---- Statements and expressions --------------------------------------------------------------

Aml return_(const Aml& value) { return op1(kReturnOp, value); }
Aml if_(const Aml& predicate) { return Aml::block({kIfOp}, predicate.bytes()); }
Aml else_() { return Aml::block({kElseOp}, {}); }
Aml while_(const Aml& predicate) { return Aml::block({kWhileOp}, predicate.bytes()); }
Aml break_() { return Aml::raw({kBreakOp}); }
Aml store(const Aml& value, const Aml& target) { return op2(kStoreOp, value, target); }
Aml add(const Aml& a, const Aml& b, const Aml& target) { return op2_target(kAddOp, a, b, target); }
Aml subtract(const Aml& a, const Aml& b, const Aml& target) { return op2_target(kSubtractOp, a, b, target); }
Aml and_(const Aml& a, const Aml& b, const Aml& target) { return op2_target(kAndOp, a, b, target); }
Aml or_(const Aml& a, const Aml& b, const Aml& target) { return op2_target(kOrOp, a, b, target); }
Aml shift_left(const Aml& value, const Aml& count, const Aml& target) {
    return op2_target(kShiftLeftOp, value, count, target);
}
Aml shift_right(const Aml& value, const Aml& count, const Aml& target) {
    return op2_target(kShiftRightOp, value, count, target);
}
Aml increment(const Aml& target) { return op1(kIncrementOp, target); }
Aml decrement(const Aml& target) { return op1(kDecrementOp, target); }
Aml lequal(const Aml& a, const Aml& b) { return op2(kLEqualOp, a, b); }
Aml lless(const Aml& a, const Aml& b) { return op2(kLLessOp, a, b); }
Aml lgreater(const Aml& a, const Aml& b) { return op2(kLGreaterOp, a, b); }
Aml land(const Aml& a, const Aml& b) { return op2(kLAndOp, a, b); }
Aml lor(const Aml& a, const Aml& b) { return op2(kLOrOp, a, b); }
Aml lnot(const Aml& value) { return op1(kLNotOp, value); }
Aml index(const Aml& object, const Aml& position, const Aml& target) {
    return op2_target(kIndexOp, object, position, target);
}
Aml deref_of(const Aml& reference) { return op1(kDerefOfOp, reference); }
Aml size_of(const Aml& object) { return op1(kSizeOfOp, object); }
Aml notify(const Aml& object, const Aml& value) { return op2(kNotifyOp, object, value); }

Aml acquire(const Aml& mutex_object, std::uint16_t timeout) {
    Bytes out{kExtOpPrefix, kAcquireOp};
    append_bytes(out, mutex_object.bytes());
    out.push_back(static_cast<u8>(timeout));
    out.push_back(static_cast<u8>(timeout >> 8));
    return Aml::raw(std::move(out));
}

Aml release(const Aml& mutex_object) {
    Bytes out{kExtOpPrefix, kReleaseOp};
    append_bytes(out, mutex_object.bytes());
    return Aml::raw(std::move(out));
}

Aml call(std::string_view method_name, std::initializer_list<Aml> args) {
    Bytes out = name_string(method_name);
    for (const auto& a : args) append_bytes(out, a.bytes());
    return Aml::raw(std::move(out));
}

}  // namespace emu::aml
