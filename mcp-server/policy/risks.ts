/**
 * Why a command asks: the risk labels, what each means on the approval card, and which is the most severe when
 * several parts of one command line ask at once.
 */
export type Risk =
  | "privilege"
  | "code-execution"
  | "delete"
  | "network"
  | "install"
  | "outside-workspace"
  | "write"
  | "process"
  | "unchecked-option"
  | "unknown-command"
  | "shell-syntax"
  | "policy"
  | "unparsable";

export const RISK_TEXT: Record<Risk, string> = {
  privilege: "changes privileges",
  "code-execution": "runs arbitrary code",
  delete: "deletes files",
  network: "uses the network",
  install: "installs software",
  "outside-workspace": "reaches outside the workspace",
  write: "writes or moves files",
  process: "signals, stops or waits on processes",
  "unchecked-option": "uses an option that is not on the command's allow-list",
  "unknown-command": "is not on the read-only list",
  "shell-syntax": "uses shell features that are not checked",
  policy: "needs approval under the policy file",
  unparsable: "could not be parsed",
};

/**
 * Most severe first: what a person most needs to see on the card when several parts ask. Running code and
 * gaining privileges can do everything below them; deleting loses data, which writing usually does not; what
 * the classifier could not check comes after every risk it could name.
 */
const SEVERITY: readonly Risk[] = [
  "privilege",
  "code-execution",
  "delete",
  "network",
  "install",
  "outside-workspace",
  "write",
  "process",
  "unchecked-option",
  "unknown-command",
  "shell-syntax",
  "policy",
  "unparsable",
];

/** One reason a command must ask. `inherent` marks the tool's own risk, which an allow rule or a remembered prefix lifts. */
export interface Issue {
  risk: Risk;
  /** What exactly caused it, for the card: the option, the path and where it leads, the pattern and its match. */
  detail?: string;
  inherent?: boolean;
}

/** The first of the most severe issues, or undefined for none. */
export function mostSevere<T extends { risk: Risk }>(issues: readonly T[]): T | undefined {
  let worst: T | undefined;
  for (const issue of issues) {
    if (!worst || SEVERITY.indexOf(issue.risk) < SEVERITY.indexOf(worst.risk)) worst = issue;
  }
  return worst;
}

/**
 * What commands that never run without asking do (a Map: a word like `toString` must find nothing), for the question. tar and rsync are asked about as running code:
 * their options can (`--to-command`, `-e`).
 */
export const KNOWN_RISKS: ReadonlyMap<string, Risk> = new Map<string, Risk>(
  (
    [
      ["delete", "rm rmdir unlink shred"],
      ["write", "mv cp dd tee touch mkdir chmod chown chgrp ln install truncate patch mkfs mount umount tree"],
      ["process", "kill pkill killall shutdown reboot halt poweroff systemctl service crontab nohup timeout"],
      ["privilege", "sudo su doas chroot setcap pkexec passwd useradd usermod"],
      ["network", "curl wget ssh scp sftp nc ncat netcat telnet ftp socat ping"],
      [
        "code-execution",
        "sh bash zsh dash ksh fish eval exec source . python python3 node perl ruby php lua awk gawk mawk xargs env " +
          "command builtin nice watch parallel make rg vi vim less more man tar rsync",
      ],
      ["install", "npm npx pnpm yarn bun pip pip3 apt apt-get dpkg brew cargo go gem"],
    ] as const
  ).flatMap(([risk, names]) => names.split(" ").map((name): [string, Risk] => [name, risk])),
);
