/**
 * What an approved command still cannot do, written for the common deployment: the server running as root.
 * Every command runs as run_command runs an approved one (sandbox-test-kit.ts). Each denial is paired
 * with the same probe without the sandbox (or in bwrap with root's capabilities, as the sandbox used to be),
 * where that is safe, so a test fails if the probe itself proves nothing.
 */
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isRoot, legacyBwrap, listen, outsideDir, runIn, skipSandboxSuites } from "../testing/sandbox-test-kit.ts";

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), "shell-root-ws-"));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

/** Something only this process's environment has, as the kernel shows it in /proc. */
function serverEnvironmentMarker(): string {
  const marker = readFileSync(`/proc/${process.pid}/environ`, "utf8")
    .split("\0")
    .find((entry) => /^(?:VITEST|npm_)\w*=/.test(entry));
  expect(marker).toBeDefined();
  return marker!;
}

describe.skipIf(skipSandboxSuites)("an approved command in the sandbox", () => {
  it("has no capabilities and cannot get any back (unshare -r, no new privileges)", async () => {
    const probe = "grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status; unshare -r id; unshare -Urm id; echo end";
    const output = await runIn(workspace, probe);
    expect(output).toMatchObject({ sandboxed: true, timedOut: false });
    expect(output.stdout).toMatch(/CapEff:\s+0{16}/);
    expect(output.stdout).toMatch(/CapBnd:\s+0{16}/);
    expect(output.stdout).toMatch(/NoNewPrivs:\s+1/);
    expect(output.stdout).not.toContain("uid=0");
    expect(output.stderr).toMatch(/unshare failed/);
    if (isRoot) {
      // As root without the sandbox: every capability, and unshare -r does make a namespace where it is uid 0.
      const plain = await runIn(workspace, probe, { sandbox: "off" });
      expect(plain.stdout).not.toMatch(/CapEff:\s+0{16}/);
      expect(plain.stdout).toContain("uid=0");
    }
  });

  it("cannot remount the host writable, unmount /proc, or see or signal the server", async () => {
    const marker = serverEnvironmentMarker();
    const { dir, remove } = outsideDir("shell-remount-");
    try {
      const probe = [
        "mount -o remount,rw,bind /",
        `mount -o remount,rw,bind "$(stat -c %m ${dir})"`,
        `touch ${dir}/written /usr/written-$$ && echo WROTE`,
        "umount -l /proc; umount /proc",
        `cat /proc/${process.pid}/environ /proc/*/environ | tr '\\0' '\\n'`,
        `kill -0 ${process.pid} && echo SIGNALLED`,
        "echo end",
      ].join("; ");
      const output = await runIn(workspace, probe);
      expect(output).toMatchObject({ sandboxed: true, timedOut: false });
      expect(output.stdout).toContain("end");
      expect(output.stdout).not.toContain("WROTE");
      expect(output.stdout).not.toContain("SIGNALLED");
      expect(output.stdout).not.toContain(marker);
      expect(output.stderr).toMatch(/must be superuser|permission denied|not permitted/i);
      expect(existsSync(`${dir}/written`)).toBe(false);
      expect(readdirSync("/usr").filter((name) => name.startsWith("written-"))).toEqual([]);
      if (isRoot) {
        // With root's capabilities kept, the same remount writes on the host.
        legacyBwrap(`mount -o remount,rw,bind "$(stat -c %m ${dir})" && touch ${dir}/written`);
        expect(existsSync(`${dir}/written`)).toBe(true);
      }
      const plain = await runIn(workspace, `cat /proc/${process.pid}/environ; kill -0 ${process.pid} && echo SIGNALLED`, {
        sandbox: "off",
      });
      expect(plain.stdout).toContain(marker);
      expect(plain.stdout).toContain("SIGNALLED");
    } finally {
      remove();
    }
  });

  it("cannot write kernel settings, and sees no /sys and only harmless devices", async () => {
    const probe = [
      "[ -w /proc/sys/kernel/core_pattern ] && echo PROCSYS-WRITABLE",
      // Writes back the value it read: harmless even if the sandbox failed.
      "cat /proc/sys/kernel/core_pattern > /proc/sys/kernel/core_pattern && echo PROCSYS-WRITTEN",
      "[ -w /proc/sysrq-trigger ] && echo SYSRQ-WRITABLE",
      "ls /sys",
      "echo x > /dev/planted && echo DEV-WRITABLE",
      "echo devices: $(ls /dev)",
    ].join("; ");
    const output = await runIn(workspace, probe);
    expect(output).toMatchObject({ sandboxed: true, timedOut: false });
    expect(output.stdout).not.toMatch(/PROCSYS-WRITABLE|PROCSYS-WRITTEN|SYSRQ-WRITABLE|DEV-WRITABLE/);
    expect(output.stderr).toContain("Read-only file system");
    expect(output.stderr).toMatch(/ls: cannot access '\/sys'/);
    const devices = /devices: (.*)/.exec(output.stdout)?.[1]?.split(" ") ?? [];
    const harmless = [
      "console",
      "core",
      "fd",
      "full",
      "null",
      "ptmx",
      "pts",
      "random",
      "shm",
      "stderr",
      "stdin",
      "stdout",
      "tty",
      "urandom",
      "zero",
    ];
    expect(devices).toContain("null");
    expect(devices.filter((device) => !harmless.includes(device))).toEqual([]);
    let hostWritable = true;
    try {
      accessSync("/proc/sys/kernel/core_pattern", constants.W_OK);
    } catch {
      hostWritable = false;
    }
    // bwrap's own /dev is a writable tmpfs of half the memory; and as root /proc/sys is writable in it, by uid
    // alone (no capability needed), unless the host mounted it read-only.
    expect(legacyBwrap("echo x > /dev/planted && echo DEV-WRITABLE").stdout).toContain("DEV-WRITABLE");
    if (isRoot && hostWritable) {
      expect(legacyBwrap("[ -w /proc/sys/kernel/core_pattern ] && echo PROCSYS-WRITABLE").stdout).toContain("PROCSYS-WRITABLE");
    }
  });

  it("cannot read files outside the workspace and the system allow-list", async () => {
    const { dir, remove } = outsideDir("shell-canary-");
    try {
      writeFileSync(path.join(dir, "secret"), "canary-7f3a\n");
      const probe = `cat ${dir}/secret; cat /etc/shadow; ls -A /root /home /run /var/run /var /opt /srv /mnt; echo etc: $(ls -A /etc); echo end`;
      const output = await runIn(workspace, probe);
      expect(output).toMatchObject({ sandboxed: true, timedOut: false });
      expect(output.stdout).toContain("end");
      expect(output.stdout).not.toContain("canary-7f3a");
      expect(output.stdout).not.toMatch(/^root:[^:]*:\d+:/m);
      for (const hidden of [`${dir}/secret`, "/etc/shadow", "/root", "/home", "/run", "/var/run", "/var", "/opt"]) {
        expect(output.stderr).toContain(hidden);
      }
      const etc = /etc: (.*)/.exec(output.stdout)?.[1]?.split(" ") ?? [];
      expect(etc).toContain("passwd");
      expect(etc.filter((name) => /shadow|sudoers|ssh|npmrc|gitconfig|environment|machine-id|hostname/.test(name))).toEqual([]);
      const plain = await runIn(workspace, `cat ${dir}/secret`, { sandbox: "off" });
      expect(plain.stdout).toContain("canary-7f3a");
    } finally {
      remove();
    }
  });

  it("cannot reach unix sockets on the host, by path or abstract name", async () => {
    const { dir, remove } = outsideDir("shell-socket-");
    const abstract = `\0elicit-shell-test-${process.pid}`;
    const greet = (socket: import("node:net").Socket) => socket.end("hello from the host\n");
    const byPath = await listen(createNetServer(greet), path.join(dir, "daemon.sock"));
    const byName = await listen(createNetServer(greet), abstract);
    try {
      const client = (target: string) =>
        `require('net').connect(${JSON.stringify(target)}).on('data',d=>process.stdout.write(${JSON.stringify(target.startsWith("\0") ? "abstract " : "path ")}+d)).on('error',e=>console.error(e.code))`;
      writeFileSync(path.join(workspace, "probe.js"), `${client(path.join(dir, "daemon.sock"))};\n${client(abstract)};\n`);
      const output = await runIn(workspace, "node probe.js; ls /run/docker.sock /var/run/docker.sock /run/containerd; echo end");
      expect(output).toMatchObject({ sandboxed: true, timedOut: false });
      expect(output.stdout).not.toContain("hello from the host");
      expect(output.stderr).toMatch(/ENOENT|ECONNREFUSED/);
      const plain = await runIn(workspace, "node probe.js", { sandbox: "off" });
      expect(plain.stdout).toContain("path hello from the host");
      expect(plain.stdout).toContain("abstract hello from the host");
    } finally {
      byPath.close();
      byName.close();
      remove();
    }
  });

  it("has no network, not even by entering another namespace with nsenter", async () => {
    const listener = await listen(
      createNetServer((socket) => socket.end("hello from the host\n")),
      0,
      "127.0.0.1",
    );
    const port = (listener.address() as { port: number }).port;
    try {
      writeFileSync(
        path.join(workspace, "probe.js"),
        `require('net').connect(${port},'127.0.0.1').on('data',d=>process.stdout.write(d)).on('error',e=>console.error(e.code));\n`,
      );
      const probe =
        "nsenter -t 1 -n node probe.js; nsenter --net=/proc/1/ns/net node probe.js; node probe.js; echo interfaces: $(tail -n +3 /proc/net/dev | cut -d: -f1)";
      const output = await runIn(workspace, probe);
      expect(output).toMatchObject({ sandboxed: true, timedOut: false });
      expect(output.stdout).not.toContain("hello from the host");
      expect(output.stdout).toMatch(/interfaces:\s+lo\s*$/m);
      expect(output.stderr).toMatch(/nsenter: .*(Operation not permitted|Permission denied)/);
      const plain = await runIn(workspace, "node probe.js", { sandbox: "off" });
      expect(plain.stdout).toContain("hello from the host");
    } finally {
      listener.close();
    }
  });

  it("cannot leave a setuid file behind or use root's kernel keyrings", async () => {
    const keyctl = process.arch === "arm64" ? 219 : 250;
    // KEYCTL_GET_KEYRING_ID of the user keyring: the first step to reading keys root owns.
    writeFileSync(
      path.join(workspace, "keys.py"),
      `import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nr = libc.syscall(${keyctl}, 0, ctypes.c_long(-4), 1)\nprint("keyring", r, ctypes.get_errno())\n`,
    );
    const python = existsSync("/usr/bin/python3");
    const probe = `touch suid; chmod u+s suid; chmod g+s suid; echo mode: $(stat -c %A suid); ${python ? "python3 keys.py" : ""}`;
    const output = await runIn(workspace, probe);
    expect(output).toMatchObject({ sandboxed: true, timedOut: false });
    expect(output.stdout).toContain("mode: -rw-r--r--");
    expect(output.stderr).toContain("Operation not permitted");
    if (python) expect(output.stdout).toContain("keyring -1 1");
    const plain = await runIn(workspace, `rm -f suid; ${probe}`, { sandbox: "off" });
    expect(plain.stdout).toMatch(/mode: -rwS/);
    if (python) expect(plain.stdout).toMatch(/keyring [1-9]\d* 0/);
  });
});
