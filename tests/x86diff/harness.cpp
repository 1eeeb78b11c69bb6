#include "harness.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace x86diff {

void print_usage(const UsageText& u) {
    std::printf(
        "usage: %s [options]\n"
        "  --seed N          base seed (default 1)\n"
        "  --cases N         cases per batch (default: %s)\n"
        "  --insns N         instructions per case (default 80)\n"
        "  --batches LIST    of %s\n"
        "  --case I          run only case I of each batch\n"
        "  --minimize        shrink the first disagreeing cases to minimal reproducers\n"
        "  --max-report N    disagreements printed per batch (default 3)\n"
        "  --exclude LIST    generator-name prefixes to leave out%s\n"
        "  --only LIST       generate only instructions whose names start with these prefixes\n"
        "  --all             do not leave out the known failures%s\n"
        "  --keep DIR        keep the generated programs in DIR\n"
        "  --no-faults       skip the fault-equivalence checks\n"
        "  --no-flag-masks   compare the undefined flags qemu does not compute exactly too\n"
        "  --ring0           run the programs on emu at CPL 0 (default: CPL 3, as %s)\n"
        "  --qemu-only       run the programs on %s (checks the harness)\n"
        "  --quiet           only print failures and the summary\n",
        u.tool, u.cases, u.batches, u.exclude, u.all, u.qemu, u.qemu_only);
}

int parse_options(int argc, char** argv, Options& opt, const UsageText& usage) {
    bool no_masks = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "missing value for %s\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--seed") opt.seed = std::stoull(next(), nullptr, 0);
        else if (a == "--cases") opt.cases = std::stoi(next());
        else if (a == "--insns") opt.gen.insns = std::stoi(next());
        else if (a == "--batches") opt.batches = split(next());
        else if (a == "--case") opt.only_case = std::stol(next());
        else if (a == "--minimize") opt.minimize = true;
        else if (a == "--max-report") opt.max_report = std::stoi(next());
        else if (a == "--exclude") { for (auto& x : split(next())) opt.gen.exclude.push_back(x); }
        else if (a == "--only") { for (auto& x : split(next())) opt.gen.only.push_back(x); }
        else if (a == "--all") opt.all = true;
        else if (a == "--keep") opt.keep = next();
        else if (a == "--quiet") opt.quiet = true;
        else if (a == "--no-faults") opt.faults = false;
        else if (a == "--qemu-only") opt.qemu_only = true;
        else if (a == "--no-flag-masks") no_masks = true;
        else if (a == "--ring0") opt.ring3 = false;
        else if (a == "--help" || a == "-h") { print_usage(usage); return 0; }
        else { std::fprintf(stderr, "unknown option %s\n", a.c_str()); print_usage(usage); return 2; }
    }
    opt.gen.mask_undefined_flags = !no_masks;
    opt.gen.user_flags = opt.ring3;
    return -1;
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> r;
    std::size_t a = 0;
    while (a <= s.size()) {
        const std::size_t b = s.find(',', a);
        const std::string x = s.substr(a, b == std::string::npos ? std::string::npos : b - a);
        if (!x.empty()) r.push_back(x);
        if (b == std::string::npos) break;
        a = b + 1;
    }
    return r;
}

std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

std::string make_root(const std::string& keep, const char* tool, bool& remove) {
    remove = false;
    if (!keep.empty()) return keep;
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + tool + ".XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) {
        std::perror("mkdtemp");
        return "";
    }
    remove = true;
    return buf.data();
}

std::string fmt_xmm(const std::uint8_t* p) {
    std::uint32_t d[4];
    std::memcpy(d, p, 16);
    char b[64];
    std::snprintf(b, sizeof b, "%08x_%08x_%08x_%08x", d[3], d[2], d[1], d[0]);
    return b;
}


std::string hex(std::uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

void write_data_and_link_script(const std::string& dir, const std::vector<std::uint8_t>& data) {
    {
        std::ofstream f(dir + "/data.bin", std::ios::binary);
        f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        if (!f) throw std::runtime_error("cannot write " + dir + "/data.bin");
    }
    std::ofstream f(dir + "/link.ld");
    f << "ENTRY(_start)\nSECTIONS {\n  . = " << kTextBase << ";\n  .text : { *(.text) }\n  . = " << kDataBase
      << ";\n  .data : { *(.data) }\n}\n";
}

void emit_groups(std::ostream& s, const std::vector<Group>& groups, const std::string& N) {
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        const Group& g = groups[gi];
        s << ".L" << N << "_" << g.id << ":\n";
        for (const Item& it : g.items) {
            std::string text = it.text;
            const auto pos = text.find("@T");
            if (pos != std::string::npos) {
                std::string label = "e" + N;
                for (std::size_t gj = gi + 1; gj < groups.size(); ++gj)
                    if (groups[gj].id >= g.target) {
                        label = ".L" + N + "_" + std::to_string(groups[gj].id);
                        break;
                    }
                text.replace(pos, 2, label);
            }
            s << "\t" << text << "\t# " << it.what << "\n";
        }
    }
}

void build_elf(const Tools& tools, Program& p, const std::string& source, const char* as_flag, const char* ld_emulation,
               const char* what) {
    const std::string& dir = p.dir;
    {
        std::ofstream f(dir + "/prog.s");
        f << source;
        if (!f) throw std::runtime_error("cannot write " + dir + "/prog.s");
    }
    const std::string log = dir + "/build.log";
    const std::string cmd = "cd " + quote(dir) + " && " + quote(tools.as) + " " + as_flag + " -o prog.o prog.s > " + quote(log) +
                            " 2>&1 && " + quote(tools.ld) + " -m " + ld_emulation + " -T link.ld -o prog.elf prog.o >> " + quote(log) +
                            " 2>&1 && " + quote(tools.nm) + " prog.elf > prog.sym 2>> " + quote(log);
    if (shell(cmd) != 0) {
        std::string text = read_text(log);
        if (text.size() > 4000) text = text.substr(0, 4000) + "\n...";
        throw std::runtime_error(std::string(what) + " failed:\n" + text);
    }
    std::istringstream sym(read_text(dir + "/prog.sym"));
    std::string line;
    while (std::getline(sym, line)) {
        std::istringstream ls(line);
        std::string addr, type, name;
        if (ls >> addr >> type >> name) p.symbols[name] = static_cast<std::uint32_t>(std::stoull(addr, nullptr, 16));
    }
    if (p.symbols["records"] != kRecordsBase) throw std::runtime_error("guest program layout: records at " + hex(p.symbols["records"]));
}

RunResult run_qemu_program(const Tools& tools, const Program& p, std::size_t rec_size, const char* qemu_name, const char* pc_name) {
    RunResult r;
    const std::string out = p.dir + "/qemu.out", err = p.dir + "/qemu.err";
    const int st = shell(quote(tools.qemu) + " " + quote(p.elf) + " > " + quote(out) + " 2> " + quote(err));
    auto bytes = read_bytes(out);
    if (bytes.size() == 16) {
        std::uint32_t w[4];
        std::memcpy(w, bytes.data(), 16);
        if (w[0] == kCrashMagic) {
            r.fault_case = static_cast<int>(w[3]);
            r.fault_pc = w[2];
            r.fault_kind = static_cast<int>(w[1]);
            r.error = std::string(qemu_name) + ": fatal signal " + std::to_string(w[1]) + " at " + pc_name + " " + hex(w[2]) +
                      " in case " + std::to_string(w[3]);
            return r;
        }
    }
    if (st != 0 || bytes.size() != p.ncases * rec_size) {
        r.error = std::string(qemu_name) + " exited with status " + std::to_string(st) + " after writing " + std::to_string(bytes.size()) +
                  " bytes (expected " + std::to_string(p.ncases * rec_size) + "): " + read_text(err);
        return r;
    }
    r.ok = true;
    r.records = std::move(bytes);
    return r;
}

}  // namespace x86diff
