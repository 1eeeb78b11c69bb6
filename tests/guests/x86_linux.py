"""What the Linux-on-kvm tests of the x86 boards share: the guests tests/setup/fetch-x86-guests.sh
leaves (Debian's amd64 kernel, entered through PVH as the uncompressed vmlinux; its i386 kernel,
entered as a bzImage; a busybox initramfs each), and the probe for whether this host's kvm can
run an unmodified Linux kernel at all.

kvm-pvm (/sys/module/kvm_pvm, a nested kvm) runs firmware and small guests, but a Linux kernel
stops a minute into its boot with emu's "kvm: emulation failure" (lock cmpxchg16b; QEMU stops
there too). The tests skip at once on such a host instead of spending that minute, unless
EMU_FORCE_LINUX_KVM=1 asks to boot anyway (then the failure before init is a skip that quotes
emu's line).
"""
import os

from console import skip

X86_MACHINES = ("pc", "q35")
KVM_PVM = "/sys/module/kvm_pvm"
FORCE_ENV = "EMU_FORCE_LINUX_KVM"
EMULATION_FAILURE = "kvm: emulation failure"


def guest_dir():
    return os.environ.get("EMU_GUEST_DIR", os.path.expanduser("~/.cache/emu/guests"))


def kernel_argv(guests, arch, extra_append=""):
    """-kernel/-initrd/-append for the arch's kernel and initramfs; skips if they are missing."""
    kernel = os.path.join(guests, arch, "vmlinux" if arch == "amd64" else "bzImage")
    initrd = os.path.join(guests, arch, "initramfs.cpio.gz")
    for f in (kernel, initrd):
        if not os.path.exists(f):
            skip(f"{f} not found (run tests/setup/fetch-x86-guests.sh)")
    # earlyprintk: the kernel speaks from its first lines on, so a boot that stops early shows where.
    append = "earlyprintk=serial console=ttyS0 panic=-1" + (f" {extra_append}" if extra_append else "")
    return ["-kernel", kernel, "-initrd", initrd, "-append", append]


def probe_kvm():
    """Skip (exit 77) unless this host's /dev/kvm can be expected to run Linux."""
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        skip("/dev/kvm is not usable here")
    if os.path.isdir(KVM_PVM) and os.environ.get(FORCE_ENV) != "1":
        skip(f"the host's kvm is kvm-pvm ({KVM_PVM} exists): an unmodified Linux kernel stops there "
             f"with '{EMULATION_FAILURE}' before init (QEMU too); {FORCE_ENV}=1 boots anyway")


def skip_if_kvm_failed(console):
    """Called when the boot did not reach init: a kvm emulation failure is the host's, not emu's."""
    text = console.buffer.decode(errors="replace")
    line = next((l.strip() for l in text.splitlines() if EMULATION_FAILURE in l), None)
    if line is None:
        return
    kernel = [l.strip() for l in text.splitlines() if l.startswith("[")]
    console.kill()
    where = f" after {console.elapsed():.0f}s; last kernel line: {kernel[-1]}" if kernel else ""
    skip(f"this host's kvm cannot run the kernel to init ({line}{where})")
