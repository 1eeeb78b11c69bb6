// A tiny x86-64 machine-code emitter for the software CPUs' block compilers (cpu-arm's and
// cpu-x86's jit.cpp): the integer instructions they need, memory operands as
// [base + index * scale + disp], and labels with rel32 fixups. Code is built in a byte vector
// and copied into a code arena (jit_code_buffer.h) afterwards (it is position-independent:
// calls to C++ go through a register holding an absolute address).
#pragma once

#if defined(__x86_64__)

#include <cstdint>
#include <cstring>
#include <vector>

namespace emu::jit {

enum Reg : unsigned { rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };
enum Cond : unsigned { kO, kNO, kB, kAE, kE, kNE, kBE, kA, kS, kNS, kP, kNP, kL, kGE, kLE, kG };
// Group-1 ALU operations (the /digit of 0x81 and the base of the r/m, reg opcodes).
enum Alu : unsigned { aAdd = 0, aOr = 1, aAdc = 2, aSbb = 3, aAnd = 4, aSub = 5, aXor = 6, aCmp = 7 };
// Group-2 shift operations (the /digit of 0xC1).
enum Shift : unsigned { sRol = 0, sRor = 1, sShl = 4, sShr = 5, sSar = 7 };

// [base + index * (1 << scale) + disp]; index rsp means none (rsp cannot be an index).
struct Mem {
    Reg base;
    std::int32_t disp;
    Reg index = rsp;
    std::uint8_t scale = 0;
};

class Emitter {
public:
    using Label = unsigned;

    std::vector<std::uint8_t>& bytes() { return buf_; }
    std::size_t size() const { return buf_.size(); }

    Label new_label() {
        labels_.push_back({-1, {}});
        return static_cast<Label>(labels_.size() - 1);
    }
    void bind(Label l) {
        labels_[l].pos = static_cast<int>(buf_.size());
        for (int at : labels_[l].fixups) patch(at, labels_[l].pos);
        labels_[l].fixups.clear();
    }

    // --- moves ---
    void mov_load(Reg dst, Mem m) { op_mem(false, 0x8b, dst, m); }         // mov r32, [m]
    void mov_store(Mem m, Reg src) { op_mem(false, 0x89, src, m); }        // mov [m], r32
    void mov_load64(Reg dst, Mem m) { op_mem(true, 0x8b, dst, m); }        // mov r64, [m]
    void mov_store64(Mem m, Reg src) { op_mem(true, 0x89, src, m); }       // mov [m], r64
    void mov_store16(Mem m, Reg src) { byte(0x66); op_mem(false, 0x89, src, m); }
    void mov_store8(Mem m, Reg src) { op_mem(false, 0x88, src, m, true); }
    void movzx8(Reg dst, Mem m) { op_mem(false, 0x0fb6, dst, m); }
    void movzx16(Reg dst, Mem m) { op_mem(false, 0x0fb7, dst, m); }
    void movsx8(Reg dst, Mem m) { op_mem(false, 0x0fbe, dst, m); }
    void movsx16(Reg dst, Mem m) { op_mem(false, 0x0fbf, dst, m); }
    void mov_imm(Reg dst, std::uint32_t imm) {  // mov r32, imm32 (zero-extends)
        rex(false, 0, dst, false);
        byte(static_cast<std::uint8_t>(0xb8 + (dst & 7)));
        u32(imm);
    }
    void mov_imm64(Reg dst, std::uint64_t imm) {
        rex(true, 0, dst, false);
        byte(static_cast<std::uint8_t>(0xb8 + (dst & 7)));
        std::uint8_t b[8];
        std::memcpy(b, &imm, 8);
        buf_.insert(buf_.end(), b, b + 8);
    }
    void mov_store_imm(Mem m, std::uint32_t imm) {  // mov dword [m], imm32
        op_mem(false, 0xc7, static_cast<Reg>(0), m);
        u32(imm);
    }
    void mov(Reg dst, Reg src) { op_rr(false, 0x89, src, dst); }    // mov r32, r32
    void mov64(Reg dst, Reg src) { op_rr(true, 0x89, src, dst); }

    // --- ALU ---
    void alu(Alu op, Reg dst, Reg src) { op_rr(false, 0x01 + 8 * op, src, dst); }
    void alu64(Alu op, Reg dst, Reg src) { op_rr(true, 0x01 + 8 * op, src, dst); }
    void alu_imm(Alu op, Reg dst, std::uint32_t imm) { alu_imm_w(false, op, dst, imm); }
    void alu64_imm(Alu op, Reg dst, std::uint32_t imm) { alu_imm_w(true, op, dst, imm); }
    void alu_load(Alu op, Reg dst, Mem m) { op_mem(false, 0x03 + 8 * op, dst, m); }
    void alu64_load(Alu op, Reg dst, Mem m) { op_mem(true, 0x03 + 8 * op, dst, m); }
    void alu64_store(Alu op, Mem m, Reg src) { op_mem(true, 0x01 + 8 * op, src, m); }  // op [m], r64
    void alu64_imm_mem(Alu op, Mem m, std::uint32_t imm) {  // op qword [m], simm32
        op_mem(true, 0x81, static_cast<Reg>(op), m);
        u32(imm);
    }
    void cmp_mem_imm8(Mem m, std::int8_t imm) {  // cmp dword [m], imm8
        op_mem(false, 0x83, static_cast<Reg>(aCmp), m);
        byte(static_cast<std::uint8_t>(imm));
    }
    void cmp_mem8_imm8(Mem m, std::uint8_t imm) {  // cmp byte [m], imm8
        op_mem(false, 0x80, static_cast<Reg>(aCmp), m);
        byte(imm);
    }
    void test_imm(Reg r, std::uint32_t imm) {  // test r32, imm32
        op_rr(false, 0xf7, static_cast<Reg>(0), r);
        u32(imm);
    }
    void test(Reg a, Reg b) { op_rr(false, 0x85, b, a); }
    void test64(Reg a, Reg b) { op_rr(true, 0x85, b, a); }
    void not_(Reg r) { op_rr(false, 0xf7, static_cast<Reg>(2), r); }
    void neg(Reg r) { op_rr(false, 0xf7, static_cast<Reg>(3), r); }
    void shift(Shift op, Reg r, unsigned amount) { shift_w(false, op, r, amount); }
    void shift64(Shift op, Reg r, unsigned amount) { shift_w(true, op, r, amount); }
    void imul_load(Reg dst, Mem m) { op_mem(false, 0x0faf, dst, m); }  // imul r32, [m]
    // Sign-extend the low byte / halfword of src (rax..rbx only: no REX for the byte form).
    void movsx8(Reg dst, Reg src) { op_rr(false, 0x0fbe, dst, src); }
    void movsx16(Reg dst, Reg src) { op_rr(false, 0x0fbf, dst, src); }
    void imul_imm(Reg dst, Reg src, std::uint32_t imm) {  // imul r32, r32, imm32
        op_rr(false, 0x69, dst, src);
        u32(imm);
    }

    // --- width-generic forms (w: 64-bit operand size) ---
    void mov_load_w(bool w, Reg dst, Mem m) { op_mem(w, 0x8b, dst, m); }
    void mov_store_w(bool w, Mem m, Reg src) { op_mem(w, 0x89, src, m); }
    void mov_rr_w(bool w, Reg dst, Reg src) { op_rr(w, 0x89, src, dst); }
    void mov_store_imm_w(bool w, Mem m, std::uint32_t simm) {  // mov [m], simm32
        op_mem(w, 0xc7, static_cast<Reg>(0), m);
        u32(simm);
    }
    void lea_w(bool w, Reg dst, Mem m) { op_mem(w, 0x8d, dst, m); }
    void alu_rr_w(bool w, Alu op, Reg dst, Reg src) { op_rr(w, 0x01 + 8 * op, src, dst); }
    void alu_load_w(bool w, Alu op, Reg dst, Mem m) { op_mem(w, 0x03 + 8 * op, dst, m); }
    void alu_store_w(bool w, Alu op, Mem m, Reg src) { op_mem(w, 0x01 + 8 * op, src, m); }
    void alu_imm_mem_w(bool w, Alu op, Mem m, std::uint32_t simm) {  // op [m], simm32 (simm8 if it fits)
        const auto v = static_cast<std::int32_t>(simm);
        if (v >= -128 && v <= 127) {
            op_mem(w, 0x83, static_cast<Reg>(op), m);
            byte(static_cast<std::uint8_t>(simm));
        } else {
            op_mem(w, 0x81, static_cast<Reg>(op), m);
            u32(simm);
        }
    }
    void alu_imm_rw(bool w, Alu op, Reg dst, std::uint32_t simm) { alu_imm_w(w, op, dst, simm); }
    void test_rr_w(bool w, Reg a, Reg b) { op_rr(w, 0x85, b, a); }
    void test_imm_w(bool w, Reg r, std::uint32_t simm) {
        op_rr(w, 0xf7, static_cast<Reg>(0), r);
        u32(simm);
    }
    void test_mem_imm(Mem m, std::uint32_t imm) {  // test dword [m], imm32
        op_mem(false, 0xf7, static_cast<Reg>(0), m);
        u32(imm);
    }
    void incdec_w(bool w, bool dec, Reg r) { op_rr(w, 0xff, static_cast<Reg>(dec ? 1 : 0), r); }
    void neg_w(bool w, Reg r) { op_rr(w, 0xf7, static_cast<Reg>(3), r); }
    void not_w(bool w, Reg r) { op_rr(w, 0xf7, static_cast<Reg>(2), r); }
    void shift_imm_w(bool w, Shift op, Reg r, unsigned amount) { shift_w(w, op, r, amount); }
    void imul_rr_w(bool w, Reg dst, Reg src) { op_rr(w, 0x0faf, dst, src); }
    void cmov_w(bool w, Cond c, Reg dst, Reg src) { op_rr(w, 0x0f40 + c, dst, src); }
    void movzx8_rr(Reg dst, Reg src) { op_rr_b(false, 0x0fb6, dst, src); }  // movzx r32, r8 (src's low byte)
    void movsx8_rr_w(bool w, Reg dst, Reg src) { op_rr_b(w, 0x0fbe, dst, src); }
    void movsx16_rr_w(bool w, Reg dst, Reg src) { op_rr(w, 0x0fbf, dst, src); }
    void movsxd(Reg dst, Reg src) { op_rr(true, 0x63, dst, src); }
    void movzx16_rr(Reg dst, Reg src) { op_rr(false, 0x0fb7, dst, src); }
    void setcc(Cond c, Reg r) { op_rr_b(false, 0x0f90 + c, static_cast<Reg>(0), r); }
    void pushfq() { byte(0x9c); }
    void bt_mem_imm(Mem m, std::uint8_t bit) {  // bt dword [m], imm8
        op_mem(false, 0x0fba, static_cast<Reg>(4), m);
        byte(bit);
    }
    void test_mem_w(bool w, Mem m, Reg r) { op_mem(w, 0x85, r, m); }  // test [m], r
    void test_mem_imm_w(bool w, Mem m, std::uint32_t simm) {          // test [m], simm32
        op_mem(w, 0xf7, static_cast<Reg>(0), m);
        u32(simm);
    }
    // One-operand groups on memory: FF /0 inc, /1 dec; F7 /2 not, /3 neg.
    void unary_mem_w(bool w, unsigned opcode, unsigned digit, Mem m) { op_mem(w, opcode, static_cast<Reg>(digit), m); }
    void mov_store_imm8(Mem m, std::uint8_t imm) {  // mov byte [m], imm8
        op_mem(false, 0xc6, static_cast<Reg>(0), m);
        byte(imm);
    }
    void movzx8_w(bool w, Reg dst, Mem m) { op_mem(w, 0x0fb6, dst, m); }
    void movzx16_w(bool w, Reg dst, Mem m) { op_mem(w, 0x0fb7, dst, m); }
    void movsx8_w(bool w, Reg dst, Mem m) { op_mem(w, 0x0fbe, dst, m); }
    void movsx16_w(bool w, Reg dst, Mem m) { op_mem(w, 0x0fbf, dst, m); }
    void movsxd_load(Reg dst, Mem m) { op_mem(true, 0x63, dst, m); }
    void mov_store8_r(Mem m, Reg src) { op_mem(false, 0x88, src, m, true); }
    void lahf() { byte(0x9f); }

    // --- control ---
    void call(Reg target) { op_rr(false, 0xff, static_cast<Reg>(2), target); }
    void jmp(Reg target) { op_rr(false, 0xff, static_cast<Reg>(4), target); }
    void jcc(Cond c, Label l) {
        byte(0x0f);
        byte(static_cast<std::uint8_t>(0x80 + c));
        ref(l);
    }
    void jmp(Label l) {
        byte(0xe9);
        ref(l);
    }
    void push(Reg r) {
        rex(false, 0, r, false);
        byte(static_cast<std::uint8_t>(0x50 + (r & 7)));
    }
    void pop(Reg r) {
        rex(false, 0, r, false);
        byte(static_cast<std::uint8_t>(0x58 + (r & 7)));
    }
    void ret() { byte(0xc3); }

private:
    struct LabelState {
        int pos;
        std::vector<int> fixups;
    };

    void byte(std::uint8_t b) { buf_.push_back(b); }
    void u32(std::uint32_t v) {
        std::uint8_t b[4];
        std::memcpy(b, &v, 4);
        buf_.insert(buf_.end(), b, b + 4);
    }
    // REX prefix when needed: W, reg extension (R), r/m extension (B); byte_regs forces one so
    // that registers 4-7 mean spl/bpl/sil/dil, not ah/ch/dh/bh.
    void rex(bool w, unsigned reg, unsigned rm, bool byte_regs) {
        const std::uint8_t v = static_cast<std::uint8_t>(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((rm & 8) ? 1 : 0));
        if (v != 0x40 || (byte_regs && (reg & 7) >= 4)) byte(v);
    }
    void opcode(unsigned op) {
        if (op > 0xff) byte(static_cast<std::uint8_t>(op >> 8));
        byte(static_cast<std::uint8_t>(op));
    }
    void op_rr(bool w, unsigned op, Reg reg, Reg rm) {
        rex(w, reg, rm, false);
        opcode(op);
        byte(static_cast<std::uint8_t>(0xc0 | ((reg & 7) << 3) | (rm & 7)));
    }
    void op_mem(bool w, unsigned op, Reg reg, Mem m, bool byte_regs = false) {
        const bool has_index = m.index != rsp;
        const std::uint8_t v = static_cast<std::uint8_t>(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) |
                                                         ((has_index && (m.index & 8)) ? 2 : 0) | ((m.base & 8) ? 1 : 0));
        if (v != 0x40 || (byte_regs && (reg & 7) >= 4)) byte(v);
        opcode(op);
        const bool d8 = m.disp >= -128 && m.disp <= 127 && (m.disp != 0 || (m.base & 7) == rbp);
        const bool d0 = m.disp == 0 && (m.base & 7) != rbp;
        const unsigned mod = d0 ? 0 : d8 ? 1 : 2;
        if (has_index || (m.base & 7) == rsp) {
            byte(static_cast<std::uint8_t>((mod << 6) | ((reg & 7) << 3) | 4));
            byte(static_cast<std::uint8_t>((m.scale << 6) | ((has_index ? m.index : rsp) & 7) << 3 | (m.base & 7)));
        } else {
            byte(static_cast<std::uint8_t>((mod << 6) | ((reg & 7) << 3) | (m.base & 7)));
        }
        if (d8) byte(static_cast<std::uint8_t>(m.disp));
        else if (!d0) u32(static_cast<std::uint32_t>(m.disp));
    }
    void modrm_rr(Reg reg, Reg rm) { byte(static_cast<std::uint8_t>(0xc0 | ((reg & 7) << 3) | (rm & 7))); }
    // A register-register form whose rm operand is a byte register (always the REX meaning).
    void op_rr_b(bool w, unsigned op, Reg reg, Reg rm) {
        rex(w, reg, rm, false);
        if (rm >= 4 && rm < 8 && !w && !(reg & 8)) byte(0x40);
        opcode(op);
        modrm_rr(reg, rm);
    }
    void alu_imm_w(bool w, Alu op, Reg dst, std::uint32_t imm) {
        const auto s = static_cast<std::int32_t>(imm);
        if (s >= -128 && s <= 127) {
            op_rr(w, 0x83, static_cast<Reg>(op), dst);
            byte(static_cast<std::uint8_t>(imm));
        } else {
            op_rr(w, 0x81, static_cast<Reg>(op), dst);
            u32(imm);
        }
    }
    void shift_w(bool w, Shift op, Reg r, unsigned amount) {
        op_rr(w, 0xc1, static_cast<Reg>(op), r);
        byte(static_cast<std::uint8_t>(amount));
    }
    void ref(Label l) {
        const int at = static_cast<int>(buf_.size());
        u32(0);
        if (labels_[l].pos >= 0) patch(at, labels_[l].pos);
        else labels_[l].fixups.push_back(at);
    }
    void patch(int at, int target) {
        const std::int32_t rel = target - (at + 4);
        std::memcpy(&buf_[static_cast<std::size_t>(at)], &rel, 4);
    }

    std::vector<std::uint8_t> buf_;
    std::vector<LabelState> labels_;
};

}  // namespace emu::jit

#endif
