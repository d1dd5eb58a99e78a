/**
 * A small seccomp filter for bubblewrap's `--seccomp`. As root, the sandboxed process has no capabilities but is
 * still the host's uid 0 to the kernel, and three things are granted by uid alone, not by capability:
 * - keys owned by root (`keyctl read` of any key whose owner may read it): keyctl, add_key, request_key fail;
 * - a setuid/setgid bit on a file it owns (every file it creates in the workspace is root's on the host):
 *   chmod/open/mknod with S_ISUID or S_ISGID in the mode fail, so it cannot leave a setuid-root program behind;
 * - io_uring can open and chmod without those system calls passing through the filter: it is unavailable
 *   (ENOSYS, so programs such as Node fall back), as is openat2, whose mode the filter cannot read.
 * And no new user namespace (unshare/clone with CLONE_NEWUSER; clone3, whose flags it cannot read, is ENOSYS so
 * libc falls back to clone): a nested one would hand back every capability within it. bwrap's
 * --disable-userns does the same where bwrap is new enough; this also covers older versions.
 * System calls of another architecture (32-bit, x32) are refused, so the numbers below cannot be sidestepped.
 */

const EPERM = 1;
const ENOSYS = 38;
const SUID_SGID = 0o6000;
const CLONE_NEWUSER = 0x10000000;

interface Arch {
  /** AUDIT_ARCH_* of the native ABI. */
  audit: number;
  /** Numbers at or above this belong to another ABI sharing the arch value (x32 on x86-64). */
  foreignFrom?: number;
  refuse: Record<number, number>;
  /** System call number → index of its mode argument (checked for S_ISUID/S_ISGID). */
  modeArg: Record<number, number>;
  /** System call number → index of its flags argument (checked for CLONE_NEWUSER). */
  cloneFlagsArg: Record<number, number>;
}

const ARCHES: Partial<Record<NodeJS.Architecture, Arch>> = {
  x64: {
    audit: 0xc000003e,
    foreignFrom: 0x40000000,
    // add_key, request_key, keyctl; openat2; io_uring_setup, io_uring_enter, io_uring_register; clone3.
    refuse: { 248: EPERM, 249: EPERM, 250: EPERM, 437: ENOSYS, 425: ENOSYS, 426: ENOSYS, 427: ENOSYS, 435: ENOSYS },
    // open, creat, chmod, fchmod, mknod, openat, mknodat, fchmodat, fchmodat2.
    modeArg: { 2: 2, 85: 1, 90: 1, 91: 1, 133: 1, 257: 3, 259: 2, 268: 2, 452: 2 },
    // clone, unshare.
    cloneFlagsArg: { 56: 0, 272: 0 },
  },
  arm64: {
    audit: 0xc00000b7,
    refuse: { 217: EPERM, 218: EPERM, 219: EPERM, 437: ENOSYS, 425: ENOSYS, 426: ENOSYS, 427: ENOSYS, 435: ENOSYS },
    // mknodat, fchmod, fchmodat, openat, fchmodat2.
    modeArg: { 33: 2, 52: 1, 53: 2, 56: 3, 452: 2 },
    // unshare, clone.
    cloneFlagsArg: { 97: 0, 220: 0 },
  },
};

// Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
const LD_ABS = 0x20;
const JEQ = 0x15;
const JGE = 0x35;
const JSET = 0x45;
const RET = 0x06;
const ALLOW = 0x7fff0000;
const errno = (code: number) => 0x00050000 | code;
// Offsets in struct seccomp_data: nr, arch, then six 64-bit arguments (the low half first on little-endian).
const NR = 0;
const ARCH = 4;
const argLow = (index: number) => 16 + 8 * index;

type Insn = [code: number, jt: number, jf: number, k: number];

/** The filter for this machine's architecture as bytes for `--seccomp FD`, or null where none is defined. */
export function seccompProgram(arch: NodeJS.Architecture = process.arch): Buffer | null {
  const spec = ARCHES[arch];
  if (!spec) return null;
  const program: Insn[] = [
    [LD_ABS, 0, 0, ARCH],
    [JEQ, 1, 0, spec.audit],
    [RET, 0, 0, errno(EPERM)],
  ];
  if (spec.foreignFrom !== undefined) {
    program.push([LD_ABS, 0, 0, NR], [JGE, 0, 1, spec.foreignFrom], [RET, 0, 0, errno(EPERM)]);
  }
  for (const [nr, code] of Object.entries(spec.refuse)) {
    program.push([LD_ABS, 0, 0, NR], [JEQ, 0, 1, Number(nr)], [RET, 0, 0, errno(code)]);
  }
  const argRules = [
    ...Object.entries(spec.modeArg).map(([nr, arg]) => [Number(nr), arg, SUID_SGID] as const),
    ...Object.entries(spec.cloneFlagsArg).map(([nr, arg]) => [Number(nr), arg, CLONE_NEWUSER] as const),
  ];
  for (const [nr, arg, bits] of argRules) {
    // Not this call: skip its three-instruction check. Argument without the bits: fall through to the next rule.
    program.push([LD_ABS, 0, 0, NR], [JEQ, 0, 3, nr], [LD_ABS, 0, 0, argLow(arg)], [JSET, 0, 1, bits], [RET, 0, 0, errno(EPERM)]);
  }
  program.push([RET, 0, 0, ALLOW]);
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], i) => {
    bytes.writeUInt16LE(code, i * 8);
    bytes.writeUInt8(jt, i * 8 + 2);
    bytes.writeUInt8(jf, i * 8 + 3);
    bytes.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return bytes;
}
