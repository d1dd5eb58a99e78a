/**
 * The start-up probe: one bwrap run with a command's own flags and limits, a short script inside that reports
 * what it can see and do, and one check per property. Only shell built-ins and a few coreutils (readlink,
 * unshare) are used, so it runs anywhere bwrap does, in a few tens of milliseconds.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEFAULT_LIMITS, describeLimitEnforcement, sandboxLauncher } from "./sandbox-launcher.ts";
import type { SandboxCheck, SandboxMode, SandboxStatus } from "./sandbox.ts";

/** Paths that must not exist inside: the host's kernel interfaces, other users' files, daemons' sockets, secrets. */
const HIDDEN = ["/sys/kernel", "/root", "/home", "/run", "/var/run", "/var", "/etc/shadow", "/opt"];

const SCRIPT = [
  'while read -r key value rest; do case $key in CapEff:|CapBnd:|Seccomp:) echo "$key $value";; esac; done < /proc/self/status',
  'echo "pidns: $(readlink /proc/self/ns/pid) $(readlink /proc/1/ns/pid)"',
  'echo "netns: $(readlink /proc/self/ns/net)"',
  'while IFS=: read -r name rest; do [ -n "$rest" ] && echo "iface: $name"; done < /proc/net/dev',
  '[ -w /proc/sys/kernel/core_pattern ] && echo "procsys: writable"',
  `for p in ${HIDDEN.join(" ")}; do [ -e "$p" ] && echo "visible: $p"; done`,
  '(: > /usr/.elicit-probe) 2>/dev/null && { echo "usr: writable"; rm -f /usr/.elicit-probe; }',
  'if command -v unshare >/dev/null; then unshare -U true 2>/dev/null && echo "userns: created" || echo "userns: refused"; fi',
  'echo "end: ok"',
].join("\n");

const ZERO_CAPS = "0000000000000000";

function values(output: string, key: string): string[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith(`${key} `))
    .map((line) => line.slice(key.length + 1).trim());
}

/** The checks, from the script's output and the server's own namespaces. Exported for its unit test. */
export function checksFrom(output: string, own: { pidns: string; netns: string }): SandboxCheck[] {
  const capEff = values(output, "CapEff:")[0] ?? "?";
  const capBnd = values(output, "CapBnd:")[0] ?? "?";
  const [selfPid = "?", initPid = "?"] = (values(output, "pidns:")[0] ?? "").split(" ");
  const netns = values(output, "netns:")[0] ?? "?";
  const interfaces = values(output, "iface:");
  const visible = values(output, "visible:");
  const userns = values(output, "userns:")[0];
  const seccomp = values(output, "Seccomp:")[0] ?? "?";
  const procWritable = values(output, "procsys:").length > 0;
  return [
    { name: "no capabilities", ok: capEff === ZERO_CAPS && capBnd === ZERO_CAPS, detail: `CapEff ${capEff}, CapBnd ${capBnd}` },
    {
      name: "own read-only /proc",
      ok: selfPid === initPid && selfPid.startsWith("pid:") && selfPid !== own.pidns && !procWritable,
      detail: `pid namespace ${selfPid} (server ${own.pidns}), /proc/1 in ${initPid}${procWritable ? ", /proc/sys writable" : ""}`,
    },
    {
      name: "no network",
      ok: netns.startsWith("net:") && netns !== own.netns && interfaces.length === 1 && interfaces[0] === "lo",
      detail: `network namespace ${netns} (server ${own.netns}), interfaces: ${interfaces.join(", ") || "none"}`,
    },
    {
      name: "read-only allow-listed files",
      ok: visible.length === 0 && !output.includes("usr: writable"),
      detail: visible.length
        ? `visible: ${visible.join(", ")}`
        : output.includes("usr: writable")
          ? "/usr is writable"
          : `none of ${HIDDEN.join(" ")}`,
    },
    {
      name: "no nested user namespace",
      ok: userns !== "created",
      detail: userns === "created" ? "`unshare -U` worked" : userns ? "`unshare -U` refused" : "unshare not found",
    },
    { name: "seccomp filter", ok: seccomp === "2", detail: `Seccomp ${seccomp}` },
  ];
}

export function runProbe(mode: SandboxMode): SandboxStatus {
  const limits = describeLimitEnforcement();
  const inactive = (description: string, checks: SandboxCheck[] = []): SandboxStatus => ({
    mode,
    active: false,
    description,
    checks,
    limits,
  });
  if (mode === "off") return inactive("not sandboxed (SHELL_SANDBOX=off)");
  if (process.platform !== "linux") return inactive(`not sandboxed: bubblewrap needs Linux, this is ${process.platform}`);
  const scratch = mkdtempSync(path.join(tmpdir(), "shell-sandbox-probe-"));
  try {
    const launcher = sandboxLauncher({
      workspaceDir: scratch,
      homeDir: path.join(scratch, "home"),
      limits: DEFAULT_LIMITS,
      network: false,
    });
    const [file, ...args] = launcher;
    // The cast only drops NODE_ENV, which Next's global types make required.
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
    const result = spawnSync(file!, [...args, "/bin/sh", "-c", SCRIPT], {
      timeout: 10_000,
      encoding: "utf8",
      env: env as NodeJS.ProcessEnv,
    });
    if (result.error) return inactive(`not sandboxed: bwrap could not start (${result.error.message})`);
    if (!result.stdout.includes("end: ok")) {
      const why = result.stderr.trim().split("\n")[0] || `exit ${result.status ?? result.signal}`;
      return inactive(`not sandboxed: bwrap does not work here (${why})`);
    }
    const checks = checksFrom(result.stdout, { pidns: readlinkSync("/proc/self/ns/pid"), netns: readlinkSync("/proc/self/ns/net") });
    const failed = checks.filter((check) => !check.ok);
    if (failed.length) {
      return inactive(
        `not sandboxed: the sandbox does not hold here: ${failed.map((check) => `${check.name} (${check.detail})`).join("; ")}`,
        checks,
      );
    }
    return { mode, active: true, description: "sandboxed (bubblewrap)", checks, limits };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
