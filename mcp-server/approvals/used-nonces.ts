/**
 * Single use of a pending approval (2026-07-28 `requestState`): each state carries a random nonce, and a retry
 * runs only if it is the first to claim that nonce. With SHELL_STATE_DIR the claims are recorded in an
 * append-only journal, fsync'd before the command runs, so a replay is refused even after a restart; without it
 * they live in memory (and the per-process signing key makes the states themselves die with the process).
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  writeSync,
} from "node:fs";
import path from "node:path";

export interface UsedNonces {
  /** True exactly once per nonce: the caller may go on; false when it was claimed before. */
  claim(nonce: string, expiresAt: number): boolean;
}

export const JOURNAL_FILE = "used-approvals.log";
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

export class MemoryNonces implements UsedNonces {
  private readonly used = new Map<string, number>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  claim(nonce: string, expiresAt: number): boolean {
    if (this.used.has(nonce)) return false;
    // An expired state is refused before its nonce is looked at, so its entry can go.
    for (const [old, until] of this.used) if (until < this.now()) this.used.delete(old);
    this.used.set(nonce, expiresAt);
    return true;
  }
}

interface Entry {
  nonce: string;
  expiresAt: number;
  claimId: string;
}

/**
 * The journal: one line per claim, `nonce expiresAt claimId`. Several server processes may share the directory
 * (the app can start more than one), so a claim appends its line and then reads the journal back: it wins only
 * if its own line is the first one for that nonce. O_APPEND writes of one short line do not interleave.
 */
export class JournalNonces implements UsedNonces {
  private readonly file: string;
  private readonly now: () => number;

  constructor(dir: string, now: () => number = Date.now) {
    this.file = path.join(dir, JOURNAL_FILE);
    this.now = now;
    this.prune();
  }

  claim(nonce: string, expiresAt: number): boolean {
    if (!NONCE.test(nonce)) return false;
    if (this.read().some((entry) => entry.nonce === nonce)) return false;
    const claimId = randomBytes(9).toString("base64url");
    const fd = openSync(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, `${nonce} ${expiresAt} ${claimId}\n`);
      // On disk before the command runs: a crash right after must not make the approval usable again.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return this.read().find((entry) => entry.nonce === nonce)?.claimId === claimId;
  }

  private read(): Entry[] {
    let text: string;
    try {
      const fd = openSync(this.file, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        text = readFileSync(fd, "utf8");
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return text.split("\n").flatMap((line) => {
      const [nonce, until, claimId] = line.split(" ");
      const expiresAt = Number(until);
      return nonce && claimId && Number.isFinite(expiresAt) ? [{ nonce, expiresAt, claimId }] : [];
    });
  }

  /**
   * At start: drops entries past their expiry (their states are refused as expired anyway) by writing the rest
   * to a new file and renaming it over the journal. A claim another process appends in the instant between the
   * read and the rename would be lost; servers sharing a directory should not start while one is mid-approval.
   */
  private prune(): void {
    const entries = this.read();
    const live = entries.filter((entry) => entry.expiresAt >= this.now());
    if (live.length === entries.length) return;
    const next = `${this.file}.${randomBytes(6).toString("hex")}.tmp`;
    const fd = openSync(next, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, live.map((entry) => `${entry.nonce} ${entry.expiresAt} ${entry.claimId}\n`).join(""));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(next, this.file);
    const dirFd = openSync(path.dirname(this.file), constants.O_RDONLY);
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }
}

/**
 * Checks (and creates, 0700) the state directory. It must be a real directory, not a symlink, and outside the
 * workspace: commands write the workspace, and a command that could edit or redirect the journal could make a
 * used approval usable again. Returns its real path, or throws saying what is wrong.
 */
export function prepareStateDir(dir: string, workspaceDir: string): string {
  const resolved = path.resolve(dir);
  try {
    mkdirSync(resolved, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new Error(`a directory the server can create and write (${(error as Error).message})`);
  }
  const stat = lstatSync(resolved);
  if (stat.isSymbolicLink()) throw new Error("a directory, not a symlink");
  if (!stat.isDirectory()) throw new Error("a directory");
  const real = realpathSync(resolved);
  const workspace = realpathSync(workspaceDir);
  if (real === workspace || real.startsWith(workspace + path.sep)) throw new Error("a directory outside the workspace");
  return real;
}
