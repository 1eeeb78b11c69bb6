// The case loop both differential tests run: generate the batches, build and run them in
// chunks on qemu and emu, compare, report, minimise disagreements, and the fault-equivalence
// checks. Mode (main.cpp's I386, main64.cpp's X64) supplies what differs: the case type, the
// batches, building/running/normalising/printing a program of that mode, and the fault specs.
#pragma once

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness.h"

namespace x86diff {

template <class Mode>
struct Outcome {
    bool ok = false;  // both runs completed
    std::string error;
    std::vector<std::size_t> bad;  // disagreeing cases
    int fault_case = -1;
    std::vector<std::uint8_t> q, e;
    std::uint64_t emu_insns = 0;
    Program prog;
};

template <class Mode>
Outcome<Mode> run_batch(const Tools& tools, const std::vector<typename Mode::Case>& cases, const std::string& dir, bool ring3) {
    Outcome<Mode> o;
    std::filesystem::create_directories(dir);
    o.prog = Mode::build(tools, cases, dir);
    RunResult qr = Mode::run_qemu(tools, o.prog);
    RunResult er = Mode::run_emu(o.prog, ring3);
    o.emu_insns = er.insns;
    if (!qr.ok || !er.ok) {
        o.error = !qr.ok ? qr.error : er.error;
        if (!qr.ok && !er.ok) o.error = qr.error + "\n" + er.error;
        o.fault_case = !qr.ok ? qr.fault_case : er.fault_case;
        return o;
    }
    o.ok = true;
    o.q = std::move(qr.records);
    o.e = std::move(er.records);
    constexpr std::size_t kSize = Mode::kRecordSize;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        Mode::normalise(o.q, i * kSize, cases[i].kind, ring3);
        Mode::normalise(o.e, i * kSize, cases[i].kind, ring3);
        if (std::memcmp(&o.q[i * kSize], &o.e[i * kSize], kSize) != 0) o.bad.push_back(i);
    }
    return o;
}

// Delta debugging: repeatedly try removing chunks of groups (all candidates in one program) and
// keep the smallest variant that still disagrees.
template <class Mode>
typename Mode::Case minimize(const Tools& tools, const typename Mode::Case& start, const std::string& dir, bool ring3) {
    using CaseT = typename Mode::Case;
    CaseT cur = start;
    for (int round = 0; round < 64 && cur.groups.size() > 1; ++round) {
        std::vector<CaseT> variants;
        const std::size_t n = cur.groups.size();
        for (std::size_t chunk = (n + 1) / 2; chunk >= 1; chunk /= 2) {
            for (std::size_t at = 0; at < n; at += chunk) {
                CaseT v = cur;
                v.groups.erase(v.groups.begin() + static_cast<long>(at), v.groups.begin() + static_cast<long>(std::min(n, at + chunk)));
                if (!v.groups.empty()) variants.push_back(std::move(v));
            }
            if (chunk == 1) break;
        }
        if (variants.empty()) break;
        Outcome<Mode> o;
        try {
            o = run_batch<Mode>(tools, variants, dir, ring3);
        } catch (const std::exception& ex) {
            std::printf("minimize: %s\n", ex.what());
            break;
        }
        if (!o.ok) {
            if (o.fault_case >= 0 && static_cast<std::size_t>(o.fault_case) < variants.size()) {
                cur = variants[static_cast<std::size_t>(o.fault_case)];
                continue;
            }
            break;
        }
        if (o.bad.empty()) break;
        std::size_t best = o.bad[0];
        for (std::size_t b : o.bad)
            if (count_insns(variants[b]) < count_insns(variants[best])) best = b;
        cur = variants[best];
    }
    return cur;
}

// The shortest prefix of the case that still disagrees (all prefixes in one program): its last
// group is where the two first diverge.
template <class Mode>
typename Mode::Case first_divergence(const Tools& tools, const typename Mode::Case& start, const std::string& dir, bool ring3,
                                     const char* what) {
    using CaseT = typename Mode::Case;
    std::vector<CaseT> prefixes;
    for (std::size_t k = 1; k <= start.groups.size(); ++k) {
        CaseT v = start;
        v.groups.resize(k);
        prefixes.push_back(std::move(v));
    }
    try {
        const Outcome<Mode> o = run_batch<Mode>(tools, prefixes, dir, ring3);
        if (!o.ok && o.fault_case >= 0) return prefixes[static_cast<std::size_t>(o.fault_case)];
        if (o.ok && !o.bad.empty()) return prefixes[o.bad[0]];
    } catch (const std::exception& ex) {
        std::printf("%s: %s\n", what, ex.what());
    }
    return start;
}

// Fault equivalence: both sides must fault the same way at the same instruction (qemu: the
// signal and the sigcontext's PC; emu: the exception vector and the PC it pushed).
struct FaultSpec {
    const char* name;
    const char* setup;
    const char* insn;
    int signal;  // qemu's signal
    int vector;  // emu's exception
};

template <class Mode>
bool run_fault_checks(const Tools& tools, const std::string& root, const Options& opt) {
    bool ok = true;
    int agreed = 0, ran = 0;
    for (const FaultSpec& f : Mode::kFaultSpecs) {
        if (!Mode::fault_check_applies(f, opt.ring3)) continue;
        ++ran;
        typename Mode::Case c = Mode::generate(Mode::kIntKind, mix(std::hash<std::string>{}(f.name)), opt.gen);
        c.groups.clear();
        Group g;
        if (f.setup) g.items.push_back({f.setup, "setup"});
        g.items.push_back({std::string("fault_insn: ") + f.insn, f.name});
        c.groups.push_back(g);
        std::vector<typename Mode::Case> one{c};
        const std::string dir = root + "/" + Mode::kFaultTag + "/" + f.name;
        std::filesystem::create_directories(dir);
        Program prog;
        try {
            prog = Mode::build(tools, one, dir);
        } catch (const std::exception& ex) {
            std::printf("FAIL [fault %s]: %s\n", f.name, ex.what());
            ok = false;
            continue;
        }
        const RunResult q = Mode::run_qemu(tools, prog), e = Mode::run_emu(prog, opt.ring3);
        std::string verdict;
        const std::uint32_t after = prog.symbols.count("e0") ? prog.symbols.at("e0") : 0;  // after the instruction
        if (q.ok || e.ok) verdict = q.ok && e.ok ? "neither side faulted" : "only one side faulted";
        else if (q.fault_case != 0 || e.fault_case != 0) verdict = "a fault outside the case";
        else if (q.fault_kind != f.signal) verdict = "qemu raised signal " + std::to_string(q.fault_kind);
        else if (e.fault_kind != f.vector) verdict = "emu raised a different exception (or none)";
        else if (q.fault_pc != e.fault_pc) verdict = std::string("different faulting ") + Mode::kPcName;
        else if (e.fault_pc != (Mode::is_trap(f.vector) ? after : prog.symbols["fault_insn"]))
            verdict = std::string("the reported ") + Mode::kPcName + " is not the faulting instruction's (or the next one's, for traps)";
        if (verdict.empty()) {
            ++agreed;
            continue;
        }
        ok = false;
        std::printf("DISAGREEMENT [%s %s]: %s\n  instruction: %s%s%s\n  qemu: %s\n  emu:  %s\n", Mode::kFaultLabel, f.name,
                    verdict.c_str(), f.setup ? f.setup : "", f.setup ? " ; " : "", f.insn, q.ok ? "completed" : q.error.c_str(),
                    e.ok ? "completed" : e.error.c_str());
        std::printf("%s", disassemble(tools, prog, 0).c_str());
    }
    if (!opt.quiet || !ok) std::printf("[%s] %d of %d fault checks agree\n", Mode::kFaultTag, agreed, ran);
    return ok;
}

// The whole run; returns the exit status (0 all agree, 1 disagreement or error).
template <class Mode>
int run_all(const Tools& tools, Options& opt) {
    using CaseT = typename Mode::Case;
    const bool ring3 = opt.ring3;
    if (!opt.all)
        for (const auto& k : Mode::kKnownFailures) opt.gen.exclude.push_back(k);
    bool remove_root = false;
    const std::string root = make_root(opt.keep, Mode::kTempName, remove_root);
    if (root.empty()) return 1;

    const auto t0 = std::chrono::steady_clock::now();
    bool failed = false;
    std::uint64_t total_cases = 0, total_static = 0, total_executed = 0;
    for (std::size_t bi = 0; bi < std::size(Mode::kBatches); ++bi) {
        const auto& spec = Mode::kBatches[bi];
        bool wanted = false;
        for (const auto& b : opt.batches) wanted |= b == spec.name;
        if (!wanted) continue;
        const auto tb = std::chrono::steady_clock::now();
        const int ncases = opt.cases > 0 ? opt.cases : spec.default_cases;
        std::vector<CaseT> all_cases;
        std::vector<std::size_t> all_index;  // original case numbers
        try {
            for (long i = 0; i < ncases; ++i) {
                if (opt.only_case >= 0 && i != opt.only_case) continue;
                all_cases.push_back(Mode::generate(spec.kind, Mode::case_seed(opt.seed, bi, static_cast<std::size_t>(i)), opt.gen));
                all_index.push_back(static_cast<std::size_t>(i));
            }
        } catch (const std::exception& ex) {
            if (opt.gen.only.empty()) {
                std::printf("FAIL [%s]: %s\n", spec.name, ex.what());
                failed = true;
            } else if (!opt.quiet && Mode::kSayOnlySkipped) {
                std::printf("[%s] skipped: --only leaves nothing to generate\n", spec.name);
            }
            continue;
        }
        if (all_cases.empty()) continue;
        std::size_t static_insns = 0;
        for (const auto& c : all_cases) static_insns += count_insns(c);
        const std::string rerun = " --seed " + std::to_string(opt.seed) + (opt.cases > 0 ? " --cases " + std::to_string(opt.cases) : "");
        // Programs of at most kChunk cases (the text must stay below the data at 16 MiB).
        constexpr std::size_t kChunk = Mode::kChunk;
        int shown = 0;
        std::size_t nbad = 0;
        std::uint64_t executed = 0;
        bool batch_ok = true;
        for (std::size_t c0 = 0; c0 < all_cases.size(); c0 += kChunk) {
            const std::size_t c1 = std::min(all_cases.size(), c0 + kChunk);
            const std::vector<CaseT> cases(all_cases.begin() + static_cast<long>(c0), all_cases.begin() + static_cast<long>(c1));
            const std::vector<std::size_t> index(all_index.begin() + static_cast<long>(c0), all_index.begin() + static_cast<long>(c1));
            const std::string dir = root + "/" + spec.name + (all_cases.size() > kChunk ? "/" + std::to_string(c0 / kChunk) : "");
            if (opt.qemu_only) {
                try {
                    std::filesystem::create_directories(dir);
                    const Program prog = Mode::build(tools, cases, dir);
                    const RunResult q1 = Mode::run_qemu(tools, prog), q2 = Mode::run_qemu(tools, prog);
                    const bool same = q1.ok && q2.ok && q1.records == q2.records;
                    std::printf("[%s] qemu-only: %zu cases: %s\n", spec.name, cases.size(),
                                !q1.ok ? q1.error.c_str() : same ? "ran, deterministic" : "NOT deterministic");
                    if (!q1.ok || !same) batch_ok = false;
                } catch (const std::exception& ex) {
                    std::printf("FAIL [%s]: %s\n", spec.name, ex.what());
                    batch_ok = false;
                }
                continue;
            }
            Outcome<Mode> o;
            try {
                o = run_batch<Mode>(tools, cases, dir, ring3);
            } catch (const std::exception& ex) {
                std::printf("FAIL [%s]: %s\n", spec.name, ex.what());
                batch_ok = false;
                continue;
            }
            const std::uint64_t harness = o.prog.harness_insns;
            executed += o.emu_insns > harness ? o.emu_insns - harness : 0;
            // Shrinks case k to where qemu and emu first diverge, then (where the mode's case
            // allows removing groups from the middle) to a minimal reproducer.
            auto shrink = [&](std::size_t k) {
                if (!opt.minimize) return;
                try {
                    const std::string mdir = dir + "/min" + std::to_string(k);
                    CaseT m = first_divergence<Mode>(tools, cases[k], Mode::prefix_dir(dir, k), ring3, Mode::kPrefixWhat);
                    if (Mode::may_remove_groups(m)) m = minimize<Mode>(tools, m, mdir, ring3);
                    std::vector<CaseT> one{m};
                    Outcome<Mode> mo = run_batch<Mode>(tools, one, mdir + "/final", ring3);
                    std::printf("MINIMISED (%zu instructions; the last group is where they first diverge):\n", count_insns(m));
                    if (mo.ok && !mo.bad.empty()) {
                        Mode::print_case(tools, mo.prog, one, 0, &mo.q, &mo.e, spec.name);
                    } else {
                        Mode::print_case(tools, mo.prog, one, 0, nullptr, nullptr, spec.name);
                        std::printf("%s\n", mo.ok ? Mode::kMinimisedAgrees : mo.error.c_str());
                    }
                } catch (const std::exception& ex) {
                    std::printf("minimize: %s\n", ex.what());
                }
            };
            if (!o.ok) {
                batch_ok = false;
                std::printf("FAIL [%s]: %s\n", spec.name, o.error.c_str());
                if (o.fault_case >= 0 && static_cast<std::size_t>(o.fault_case) < cases.size()) {
                    const std::size_t fc = static_cast<std::size_t>(o.fault_case);
                    Mode::print_case(tools, o.prog, cases, fc, nullptr, nullptr, spec.name);
                    std::printf("  (rerun: --batches %s --case %zu%s)\n", spec.name, index[fc], rerun.c_str());
                    if (Mode::kShrinkFaultsByRemoval) {
                        if (opt.minimize) try {
                            const std::string mdir = dir + "/minfault";
                            std::vector<CaseT> one{minimize<Mode>(tools, cases[fc], mdir, ring3)};
                            Outcome<Mode> mo = run_batch<Mode>(tools, one, mdir + "/final", ring3);
                            std::printf("MINIMISED (%zu instructions): %s\n", count_insns(one[0]), mo.ok ? "(no longer faults)" : mo.error.c_str());
                            Mode::print_case(tools, mo.prog, one, 0, nullptr, nullptr, spec.name);
                        } catch (const std::exception& ex) {
                            std::printf("minimize: %s\n", ex.what());
                        }
                    } else {
                        shrink(fc);
                    }
                }
                continue;
            }
            nbad += o.bad.size();
            for (std::size_t k : o.bad) {
                if (shown++ >= opt.max_report) break;
                std::printf("DISAGREEMENT (rerun: --batches %s --case %zu%s)\n", spec.name, index[k], rerun.c_str());
                Mode::print_case(tools, o.prog, cases, k, &o.q, &o.e, spec.name);
                shrink(k);
            }
        }
        if (!batch_ok || nbad) failed = true;
        if (opt.qemu_only) continue;
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - tb).count();
        total_cases += all_cases.size();
        total_static += static_insns;
        total_executed += executed;
        if (!opt.quiet || nbad)
            std::printf("[%s] %zu cases, %zu instructions generated, %" PRIu64 " executed by emu: %zu disagree (%.1fs)\n", spec.name,
                        all_cases.size(), static_insns, executed, nbad, secs);
        if (static_cast<int>(nbad) > opt.max_report)
            std::printf("... %zu disagreeing cases in [%s], %d shown (--max-report)\n", nbad, spec.name, opt.max_report);
    }
    if (!opt.qemu_only && opt.faults && opt.only_case < 0 && opt.gen.only.empty() && !run_fault_checks<Mode>(tools, root, opt)) failed = true;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s: %s: %" PRIu64 " cases, %" PRIu64 " instructions generated, %" PRIu64 " executed in sequences, %.1fs (seed %" PRIu64 ")%s\n",
                Mode::kSummaryName, failed ? "FAILED" : "all agree", total_cases, total_static, total_executed, secs, opt.seed,
                opt.all || Mode::kKnownFailures.empty() ? "" : " [known failures excluded; --all to include]");
    if (remove_root && !failed) std::filesystem::remove_all(root);
    else if (remove_root) std::printf("(programs kept in %s)\n", root.c_str());
    return failed ? 1 : 0;
}

}  // namespace x86diff
