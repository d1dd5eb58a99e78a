/**
 * The sandbox's parts on their own, without running bwrap: settings, the probe's reading of what it saw, the
 * cgroup discovery, the seccomp program, the shape of the command line, and the start-up log.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configFromEnv, describeConfig } from "../config.ts";
import { ownCgroupDir, parseCgroupMounts } from "./sandbox-cgroup.ts";
import { checksFrom } from "./sandbox-probe.ts";
import { seccompProgram } from "./sandbox-seccomp.ts";
import { sandboxLauncher, type SandboxStatus } from "./sandbox.ts";

describe("the probe's checks", () => {
  const own = { pidns: "pid:[1]", netns: "net:[2]" };
  const good = [
    "CapEff: 0000000000000000",
    "CapBnd: 0000000000000000",
    "Seccomp: 2",
    "pidns: pid:[10] pid:[10]",
    "netns: net:[11]",
    "iface:     lo",
    "userns: refused",
    "end: ok",
  ].join("\n");

  it("all hold for a sandbox that works", () => {
    expect(checksFrom(good, own).filter((check) => !check.ok)).toEqual([]);
  });

  it.each([
    ["no capabilities", good.replace("CapEff: 0000000000000000", "CapEff: 000001fffeffffff")],
    ["own read-only /proc", good.replace("pid:[10] pid:[10]", "pid:[10] pid:[1]")],
    ["own read-only /proc", `${good}\nprocsys: writable`],
    ["no network", good.replace("net:[11]", "net:[2]")],
    ["no network", `${good}\niface:   eth0`],
    ["read-only allow-listed files", `${good}\nvisible: /root`],
    ["read-only allow-listed files", `${good}\nusr: writable`],
    ["no nested user namespace", good.replace("userns: refused", "userns: created")],
    ["seccomp filter", good.replace("Seccomp: 2", "Seccomp: 0")],
  ])("%s fails when the probe saw it break", (name, output) => {
    expect(
      checksFrom(output, own)
        .filter((check) => !check.ok)
        .map((check) => check.name),
    ).toEqual([name]);
  });
});

describe("cgroup discovery", () => {
  const mountinfo = [
    "25 1 0:23 / /sys rw - sysfs sysfs rw",
    "30 25 0:28 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids",
    "31 25 0:29 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory",
    "32 25 0:30 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw",
  ].join("\n");
  const own = "8:pids:/\n4:memory:/process_api/abc\n0::/user.slice\n";

  it("finds the server's own cgroup in each hierarchy", () => {
    const mounts = parseCgroupMounts(mountinfo);
    expect(mounts.map((mount) => [mount.version, mount.dir])).toEqual([
      [1, "/sys/fs/cgroup/pids"],
      [1, "/sys/fs/cgroup/memory"],
      [2, "/sys/fs/cgroup/unified"],
    ]);
    expect(mounts.map((mount) => ownCgroupDir(own, mount))).toEqual([
      "/sys/fs/cgroup/pids",
      "/sys/fs/cgroup/memory/process_api/abc",
      "/sys/fs/cgroup/unified/user.slice",
    ]);
  });

  it("does not guess where a hierarchy mounted from a subtree does not contain the server", () => {
    const [mount] = parseCgroupMounts("30 25 0:28 /docker/x /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids");
    expect(ownCgroupDir("8:pids:/docker/x/inner", mount!)).toBe("/sys/fs/cgroup/pids/inner");
    expect(ownCgroupDir("8:pids:/elsewhere", mount!)).toBeNull();
  });
});

describe("the seccomp program", () => {
  it("is whole BPF instructions, checks the architecture first and allows by default", () => {
    const program = seccompProgram("x64")!;
    expect(program.length % 8).toBe(0);
    expect(program.readUInt16LE(0)).toBe(0x20); // load seccomp_data.arch
    expect(program.readUInt32LE(4)).toBe(4);
    expect(program.readUInt32LE(12)).toBe(0xc000003e);
    expect(program.readUInt32LE(program.length - 4)).toBe(0x7fff0000);
  });

  it("is absent where no system call table is defined, so the probe reports it", () => {
    expect(seccompProgram("ia32")).toBeNull();
  });
});

describe("the command line", () => {
  const workspace = mkdtempSync(path.join(tmpdir(), "shell-parts-ws-"));
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));
  // bwrap's own arguments: before them, the wrapper may name cgroup files under /sys/fs/cgroup (host side).
  const joined = (network: boolean) => {
    const words = sandboxLauncher({ workspaceDir: workspace, homeDir: "/tmp/some-home", network });
    return words.slice(words.indexOf("bwrap")).join(" ");
  };

  it("binds an allow-list, never the host's root, /proc, /sys, /run or /home", () => {
    const line = joined(false);
    expect(line).toContain("--unshare-user --uid 1000 --gid 1000 --cap-drop ALL");
    expect(line).toContain("--unshare-net");
    expect(line).toContain("--proc /proc --remount-ro /proc");
    expect(line).toContain("--ro-bind /usr /usr");
    expect(line).toMatch(/--tmpfs \/tmp .*--bind (\S+) \1 .*--tmpfs \/tmp\/some-home/);
    expect(line).not.toMatch(/--(ro-|dev-)?bind \/ \/|\/sys\b|\/run\b|\/home\b|\/root\b|\/etc\/shadow|\/var\b/);
    expect(line).not.toContain("resolv.conf");
  });

  it("with the network: the host's namespace, name resolution and CA certificates, still no private keys", () => {
    const line = joined(true);
    expect(line).not.toContain("--unshare-net");
    if (line.includes("/etc/resolv.conf")) expect(line).toMatch(/--ro-bind \S+ \/etc\/resolv.conf/);
    expect(line).not.toContain("/etc/ssl/private");
  });
});

describe("describeConfig", () => {
  it("logs every check and how the limits are enforced", () => {
    const workspace = mkdtempSync(path.join(tmpdir(), "shell-parts-ws-"));
    try {
      const config = configFromEnv({ WORKSPACE_DIR: workspace, SHELL_SANDBOX: "off", SHELL_LIMIT_PROCESSES: "42" });
      const sandbox: SandboxStatus = {
        mode: "required",
        active: true,
        description: "sandboxed (bubblewrap)",
        checks: [
          { name: "no capabilities", ok: true, detail: "CapEff 0000000000000000" },
          { name: "no network", ok: false, detail: "interfaces: lo, eth0" },
        ],
        limits: "cgroup v1 (pids, memory)",
      };
      const lines = describeConfig({ ...config, sandbox });
      expect(lines).toContain("sandbox check ok: no capabilities: CapEff 0000000000000000");
      expect(lines).toContain("sandbox check FAILED: no network: interfaces: lo, eth0");
      expect(lines.find((line) => line.startsWith("limits per command: 42 processes"))).toContain("cgroup v1 (pids, memory)");
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
