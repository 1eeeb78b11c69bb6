// A small, strict JSON reader (RFC 8259) for checking `emu --list-plugins --json`: it rejects
// anything a real parser would, so "it parses here" means "it is valid JSON".
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace emu::test::json {

struct Value {
    enum class Kind { Null, Bool, Number, String, Array, Object };
    Kind kind = Kind::Null;
    bool boolean = false;
    double number = 0;
    std::string string;
    std::vector<Value> items;       // array elements, or object member values
    std::vector<std::string> keys;  // object member names, parallel to items

    bool is(Kind k) const { return kind == k; }
    // The member called key, or nullptr (also when this is not an object).
    const Value* find(std::string_view key) const {
        if (kind != Kind::Object) return nullptr;
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (keys[i] == key) return &items[i];
        return nullptr;
    }
    // The member called key; throws when there is none.
    const Value& at(std::string_view key) const {
        if (const Value* v = find(key)) return *v;
        throw std::runtime_error("JSON object has no member '" + std::string(key) + "'");
    }
};

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    Value document() {
        Value v = value();
        skip_space();
        if (pos_ != text_.size()) fail("trailing characters after the document");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("invalid JSON at offset " + std::to_string(pos_) + ": " + what);
    }
    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }
    void skip_space() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    void literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) fail("unknown literal");
        pos_ += word.size();
    }

    Value value() {
        if (++depth_ > 200) fail("nested too deeply");
        skip_space();
        Value v;
        switch (peek()) {
        case '{': object(v); break;
        case '[': array(v); break;
        case '"':
            v.kind = Value::Kind::String;
            v.string = string();
            break;
        case 't': literal("true"); v.kind = Value::Kind::Bool; v.boolean = true; break;
        case 'f': literal("false"); v.kind = Value::Kind::Bool; break;
        case 'n': literal("null"); break;
        default: number(v); break;
        }
        --depth_;
        return v;
    }

    void object(Value& v) {
        v.kind = Value::Kind::Object;
        expect('{');
        skip_space();
        if (peek() == '}') {
            ++pos_;
            return;
        }
        for (;;) {
            skip_space();
            if (peek() != '"') fail("expected a member name");
            v.keys.push_back(string());
            skip_space();
            expect(':');
            v.items.push_back(value());
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            expect('}');
            return;
        }
    }

    void array(Value& v) {
        v.kind = Value::Kind::Array;
        expect('[');
        skip_space();
        if (peek() == ']') {
            ++pos_;
            return;
        }
        for (;;) {
            v.items.push_back(value());
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            expect(']');
            return;
        }
    }

    static bool digit(char c) { return c >= '0' && c <= '9'; }

    void number(Value& v) {
        const std::size_t begin = pos_;
        if (peek() == '-') ++pos_;
        if (peek() == '0') {
            ++pos_;
        } else if (digit(peek())) {
            while (digit(peek())) ++pos_;
        } else {
            fail("expected a value");
        }
        if (peek() == '.') {
            ++pos_;
            if (!digit(peek())) fail("expected a digit after '.'");
            while (digit(peek())) ++pos_;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') ++pos_;
            if (!digit(peek())) fail("expected an exponent");
            while (digit(peek())) ++pos_;
        }
        v.kind = Value::Kind::Number;
        v.number = std::stod(std::string(text_.substr(begin, pos_ - begin)));
    }

    unsigned hex4() {
        unsigned code = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = peek();
            code <<= 4;
            if (c >= '0' && c <= '9') code |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') code |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') code |= static_cast<unsigned>(c - 'A' + 10);
            else fail("bad \\u escape");
            ++pos_;
        }
        return code;
    }

    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    std::string string() {
        expect('"');
        std::string out;
        for (;;) {
            if (at_end()) fail("unterminated string");
            const char c = text_[pos_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("unescaped control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            const char e = peek();
            ++pos_;
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = hex4();
                if (cp >= 0xD800 && cp < 0xDC00) {
                    if (peek() != '\\') fail("lone surrogate");
                    ++pos_;
                    if (peek() != 'u') fail("lone surrogate");
                    ++pos_;
                    const unsigned low = hex4();
                    if (low < 0xDC00 || low >= 0xE000) fail("bad surrogate pair");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp < 0xE000) {
                    fail("lone surrogate");
                }
                append_utf8(out, cp);
                break;
            }
            default: fail("bad escape");
            }
        }
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    int depth_ = 0;
};

// Parse a whole document; throws std::runtime_error saying where it is invalid.
inline Value parse(std::string_view text) { return Parser(text).document(); }

}  // namespace emu::test::json
