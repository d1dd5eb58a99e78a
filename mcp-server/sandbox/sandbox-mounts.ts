/**
 * What of the host a sandboxed command sees: an allow-list, read-only. Everything else does not exist inside:
 * /root, /home, /var, /run (and its sockets: docker, containerd, databases), /opt, /srv, /mnt, /sys, the host's
 * /proc, /etc/shadow and the rest of /etc. As root this matters twice: the command is still uid 0 to the kernel,
 * so anything owned by root that is mounted is as readable to it as to root, and whatever it reads can end up
 * with the model provider.
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { processAlive } from "./sandbox-cgroup.ts";

/** The uid and gid inside: an ordinary user, mapped to the server's own (root's, when the server is root). */
export const SANDBOX_UID = 1000;

/** The usr-merge names: symlinks into /usr on current distributions, directories on older ones. */
const TOP_LEVEL = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"];

/** From /etc, what ordinary programs read: the dynamic linker, alternatives (awk, editor), time zone, `file`. */
const ETC = [
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "alternatives",
  "localtime",
  "timezone",
  "host.conf",
  "gai.conf",
  "services",
  "protocols",
  "magic",
  "magic.mime",
  "mime.types",
  "locale.alias",
  "os-release",
  "lsb-release",
  "debian_version",
];

/** Only with the network: name resolution and the CA certificates (never /etc/ssl/private). */
const ETC_NETWORK = [
  "resolv.conf",
  "hosts",
  "ssl/certs",
  "ssl/openssl.cnf",
  "ca-certificates.conf",
  "pki/tls/certs",
  "pki/ca-trust/extracted",
];

let dataDir: string | undefined;

/** Data directories of servers that were killed before their exit handler could remove them. */
function removeStaleDataDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = /^elicit-shell-sandbox-(\d+)-/.exec(name)?.[1];
    if (pid && !processAlive(Number(pid))) rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
  }
}
const dataFiles = new Map<string, string>();

/**
 * A file of generated content for `--ro-bind`, written once per content into a private directory of this
 * process, and again if something (a /tmp cleaner on a long-running server) removed it.
 */
export function sandboxDataFile(name: string, content: string | Buffer): string {
  const key = `${name}-${createHash("sha256").update(content).digest("hex").slice(0, 16)}`;
  const existing = dataFiles.get(key);
  if (existing && existsSync(existing)) return existing;
  if (!dataDir || !existsSync(dataDir)) {
    removeStaleDataDirs();
    const dir = mkdtempSync(path.join(tmpdir(), `elicit-shell-sandbox-${process.pid}-`));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    dataDir = dir;
  }
  const file = path.join(dataDir, key);
  writeFileSync(file, content, { mode: 0o644 });
  dataFiles.set(key, file);
  return file;
}

/** One host path, read-only: a symlink whose target is under /usr stays a symlink (so time zone names survive). */
function roPath(source: string, dest = source): string[] {
  let stat;
  try {
    stat = lstatSync(source);
  } catch {
    return [];
  }
  if (stat.isSymbolicLink()) {
    let real: string;
    try {
      real = realpathSync(source);
    } catch {
      return []; // Dangling.
    }
    if (real.startsWith("/usr/")) return ["--symlink", readlinkSync(source), dest];
    return ["--ro-bind", real, dest];
  }
  return ["--ro-bind", source, dest];
}

function identityFiles(homeDir: string | undefined, network: boolean): string[] {
  const home = homeDir ?? "/nonexistent";
  const passwd = [
    "root:x:0:0:root:/nonexistent:/usr/sbin/nologin",
    `sandbox:x:${SANDBOX_UID}:${SANDBOX_UID}:sandbox:${home}:/bin/sh`,
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
  ];
  const group = ["root:x:0:", `sandbox:x:${SANDBOX_UID}:`, "nogroup:x:65534:"];
  // Only files: no NSS module that would look for a daemon's socket or a directory server.
  const nsswitch = [
    "passwd: files",
    "group: files",
    "shadow: files",
    "hosts: files dns",
    "networks: files",
    "protocols: files",
    "services: files",
  ];
  const hosts = ["127.0.0.1 localhost", "::1 localhost ip6-localhost ip6-loopback"];
  return [
    "--ro-bind",
    sandboxDataFile("passwd", `${passwd.join("\n")}\n`),
    "/etc/passwd",
    "--ro-bind",
    sandboxDataFile("group", `${group.join("\n")}\n`),
    "/etc/group",
    "--ro-bind",
    sandboxDataFile("nsswitch.conf", `${nsswitch.join("\n")}\n`),
    "/etc/nsswitch.conf",
    ...(network ? [] : ["--ro-bind", sandboxDataFile("hosts", `${hosts.join("\n")}\n`), "/etc/hosts"]),
  ];
}

/** bwrap arguments for the read-only system view: /usr, its usr-merge links, and the /etc allow-list. */
export function systemBinds(network: boolean, homeDir: string | undefined): string[] {
  const args = ["--ro-bind", "/usr", "/usr"];
  for (const name of TOP_LEVEL) {
    const source = `/${name}`;
    if (!existsSync(source)) continue;
    const stat = lstatSync(source);
    if (stat.isSymbolicLink()) args.push("--symlink", readlinkSync(source), source);
    else args.push("--ro-bind", source, source);
  }
  // The JDK's configuration lives in /etc/java-NN-openjdk, linked from /usr/lib/jvm: java fails without it.
  const java = readdirSync("/etc").filter((name) => /^java-\d+/.test(name));
  for (const name of [...ETC, ...java, ...(network ? ETC_NETWORK : [])]) args.push(...roPath(`/etc/${name}`));
  args.push(...identityFiles(homeDir, network));
  return args;
}
