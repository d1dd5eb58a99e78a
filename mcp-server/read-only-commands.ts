/**
 * The built-in knowledge of commands: which ones are read-only (with the argument checks that keep them so),
 * and for the others, what kind of risk they carry, so the question to the person can say why it asks.
 */
export type Risk =
  | "delete"
  | "write"
  | "process"
  | "privilege"
  | "network"
  | "code-execution"
  | "install"
  | "shell-syntax"
  | "unparsable"
  | "unknown-command"
  | "outside-workspace"
  | "policy";

export const RISK_TEXT: Record<Risk, string> = {
  delete: "deletes files",
  write: "writes or moves files",
  process: "signals or stops processes",
  privilege: "changes privileges",
  network: "uses the network",
  "code-execution": "runs arbitrary code",
  install: "installs software",
  "shell-syntax": "uses shell features that are not checked",
  unparsable: "could not be parsed",
  "unknown-command": "is not on the read-only list",
  "outside-workspace": "reads outside the workspace",
  policy: "needs approval under the policy file",
};

export const KNOWN_RISKS: Record<string, Risk> = Object.fromEntries(
  (
    [
      ["delete", "rm rmdir unlink shred"],
      ["write", "mv cp dd tee touch mkdir chmod chown chgrp ln install truncate rsync patch mkfs mount umount"],
      ["process", "kill pkill killall shutdown reboot halt poweroff systemctl service crontab nohup timeout"],
      ["privilege", "sudo su doas chroot setcap pkexec passwd useradd usermod"],
      ["network", "curl wget ssh scp sftp nc ncat netcat telnet ftp socat ping"],
      [
        "code-execution",
        "sh bash zsh dash ksh fish eval exec source . python python3 node perl ruby php lua awk gawk xargs env command builtin nice watch parallel make",
      ],
      ["install", "npm npx pnpm yarn bun pip pip3 apt apt-get dpkg brew cargo go gem"],
    ] as const
  ).flatMap(([risk, names]) => names.split(" ").map((name) => [name, risk])),
);

/** Returns the risk the arguments add to a read-only command, or null when they keep it read-only. */
export type ArgCheck = (args: readonly string[], hasGlob: boolean) => Risk | null;
const always: ArgCheck = () => null;
const forbidding =
  (risk: Risk, ...flags: string[]): ArgCheck =>
  (args) =>
    args.some((arg) => flags.some((flag) => arg === flag || (flag.startsWith("--") && arg.startsWith(`${flag}=`))))
      ? risk
      : null;

const GIT_READ_ONLY = new Set(["status", "log", "diff", "show", "branch", "rev-parse", "ls-files", "blame"]);
const SED_READ_OPTIONS = new Set(["-n", "-E", "-r", "-s", "--quiet"]);
const GIT_BRANCH_LISTING = new Set(["-a", "-r", "-v", "-vv", "--all", "--remotes", "--list", "--show-current"]);
const GIT_DANGEROUS_FLAGS = ["-c", "--config-env", "--output", "--ext-diff", "--textconv", "--exec", "--exec-path"];

export const READ_ONLY: Record<string, ArgCheck> = {
  ls: always,
  cat: always,
  head: always,
  tail: forbidding("process", "-f", "-F", "--follow"),
  wc: always,
  grep: always,
  egrep: always,
  fgrep: always,
  rg: forbidding("code-execution", "--pre", "--search-zip", "-z"),
  pwd: always,
  echo: always,
  printf: always,
  true: always,
  false: always,
  whoami: always,
  id: always,
  uname: always,
  stat: always,
  du: always,
  df: always,
  file: always,
  basename: always,
  dirname: always,
  realpath: always,
  which: always,
  cut: always,
  tr: always,
  nl: always,
  diff: always,
  cmp: always,
  comm: always,
  md5sum: always,
  sha256sum: always,
  date: (args) => (args.some((a) => a === "-s" || a.startsWith("--set")) ? "write" : null),
  find: (args) =>
    args.some((a) => ["-delete"].includes(a))
      ? "delete"
      : args.some((a) => ["-exec", "-execdir", "-ok", "-okdir"].includes(a))
        ? "code-execution"
        : args.some((a) => a.startsWith("-fprint") || a === "-fls")
          ? "write"
          : null,
  sed: (args, hasGlob) => {
    // Only printing a line range or a /pattern/: other scripts can write (w, -i) or execute (e).
    const options = args.filter((a) => a.startsWith("-"));
    const [script] = args.filter((a) => !a.startsWith("-"));
    const printsOnly = script !== undefined && /^(?:[0-9]+(?:,(?:[0-9]+|\$))?|\$|\/[^/\\]*\/)p$/.test(script);
    return !hasGlob && options.includes("-n") && options.every((o) => SED_READ_OPTIONS.has(o)) && printsOnly ? null : "write";
  },
  sort: (args) => (args.some((a) => a === "-o" || a.startsWith("--output") || /^-[^-]*o/.test(a)) ? "write" : null),
  uniq: (args) => (args.filter((a) => !a.startsWith("-")).length > 1 ? "write" : null),
  tree: forbidding("write", "-o"),
  git: (args) => {
    const sub = args.find((a) => !a.startsWith("-"));
    if (!sub || !GIT_READ_ONLY.has(sub) || args.indexOf(sub) !== 0) return "write";
    // `git branch NAME` creates and `-d` deletes: only the listing forms are read-only.
    if (sub === "branch" && !args.slice(1).every((a) => GIT_BRANCH_LISTING.has(a))) return "write";
    return forbidding("code-execution", ...GIT_DANGEROUS_FLAGS)(args, false);
  },
};

/** Commands whose arguments are text, not paths: printing "/etc" reads nothing outside the workspace. */
const TEXT_ARGUMENTS = new Set(["echo", "printf", "true", "false", "date", "whoami", "id", "uname", "pwd", "which", "basename", "dirname", "tr"]);
/** Commands whose first operand is a pattern or script, unless patterns come from flags such as -e or -f. */
const PATTERN_FIRST = new Set(["grep", "egrep", "fgrep", "rg", "sed"]);
const PATTERN_FLAGS = /^(?:-[^-]*[ef]|--regexp|--file|--expression)/;

/** The arguments of a read-only command that name files, so they can be checked against the workspace. */
export function pathArguments(name: string, args: readonly string[]): string[] {
  if (TEXT_ARGUMENTS.has(name)) return [];
  let candidates = args.map((arg) => (arg.startsWith("-") && arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : arg));
  if (PATTERN_FIRST.has(name) && !args.some((a) => PATTERN_FLAGS.test(a))) {
    const firstOperand = args.findIndex((a) => !a.startsWith("-"));
    candidates = candidates.filter((_, index) => index !== firstOperand);
  }
  return candidates.filter((arg) => arg !== "" && !arg.startsWith("-"));
}
