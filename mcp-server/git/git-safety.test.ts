/**
 * Hostile workspaces (git-hostile-cases.ts) against repoConfigRisk and through the real server: a person who
 * declines is asked before any read-only git command in a repository whose config names programs, and the
 * canary never runs; a person who approves still gets the neutral environment, which stops every key with a
 * fixed name. The rows marked `runs: true` are the documented gaps (drivers, aliases, diff.external).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type HostileCase, hostileCases } from "../testing/git-hostile-cases.ts";
import { hostSecretConfig, leakCases, SECRET } from "../testing/git-hostile-layouts.ts";
import { repoConfigRisk } from "./git-safety.ts";
import { canaryIn, cleanRepo, git, nestedRepo, setConfig, write } from "../testing/git-test-repos.ts";
import { probeSandbox } from "../sandbox/sandbox.ts";
import { closeConnections, connectInMemory } from "../testing/test-client.ts";

vi.mock("node:child_process", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:child_process")>();
  return { ...actual, spawnSync: vi.fn(actual.spawnSync) };
});
const { spawnSync } = await import("node:child_process");
/** Runs of git, on the host or in the sandbox (where git is a word of the launcher's command line). */
const isGit = (file: string, args: readonly string[] | undefined) => file === "git" || (args ?? []).includes("git");
const gitRuns = () => vi.mocked(spawnSync).mock.calls.filter(([file, args]) => isGit(file, args)).length;

const READ_ONLY_GIT = ["git status", "git diff", "git log -p", "git show"];
const sandboxWorks = probeSandbox("auto").active;
const sandboxMustRun = process.env.SHELL_SANDBOX === "required";

let root: string;
let ws: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "git-safety-"));
  ws = path.join(root, "ws");
  mkdirSync(ws);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));
afterEach(closeConnections);

/** Builds the row's workspace and returns its canary, with nothing logged yet. */
function plant(row: HostileCase) {
  row.build(ws, path.join(ws, "canary.sh"), root);
  const canary = canaryIn(ws);
  canary.reset();
  return canary;
}

const connect = (mode: string, action: "accept" | "decline") =>
  connectInMemory({ WORKSPACE_DIR: ws, SHELL_SANDBOX: mode }, () => (action === "accept" ? { action, content: {} } : { action }));

describe("repoConfigRisk on a hostile workspace", () => {
  it.each(hostileCases)("$name", (row) => {
    const canary = plant(row);
    const risk = repoConfigRisk(ws);
    if (row.risk) expect(risk).toMatch(row.risk);
    else expect(risk).toBeNull();
    // Keys only: every value in these rows names the canary.
    expect(risk ?? "").not.toContain("canary");
    // Reading the config and the index ran nothing the repository named.
    expect(canary.runs()).toEqual([]);
  });
});

function throughTheServer(mode: "off" | "required", rows: readonly HostileCase[]) {
  it.each(rows)("read-only git commands in: $name", async (row) => {
    const canary = plant(row);
    const { run, asked, close } = await connect(mode, "decline");
    try {
      for (const command of READ_ONLY_GIT) {
        const before = asked.length;
        const output = await run(command);
        if (row.risk) {
          expect(asked.length, command).toBe(before + 1);
          expect(output).toMatchObject({ ran: false, approval: "declined" });
          expect(output.risk).toMatch(/^runs arbitrary code: /);
        } else {
          expect(asked.length, command).toBe(before);
          expect(output).toMatchObject({ ran: true, approval: "not_required" });
        }
      }
      if (row.shows) {
        const output = await run(row.shows.command);
        expect(output.stdout + output.stderr).toMatch(row.shows.output);
      }
      expect(canary.runs()).toEqual([]);
    } finally {
      await close();
    }
  });

  it.each(rows.filter((row) => row.approved))("an approved command in: $name", async (row) => {
    const canary = plant(row);
    const { run, close } = await connect(mode, "accept");
    try {
      const output = await run(row.approved!.command);
      expect(output.ran).toBe(true);
      if (row.approved!.runs) expect(canary.runs().length, row.approved!.because).toBeGreaterThan(0);
      else expect(canary.runs()).toEqual([]);
    } finally {
      await close();
    }
  });
}

describe("through the server, not sandboxed", () => throughTheServer("off", hostileCases));

describe.skipIf(!sandboxWorks && !sandboxMustRun)("through the server, sandboxed (skipped only where bubblewrap does not work)", () =>
  throughTheServer(
    "required",
    hostileCases.filter((row) => row.sandbox),
  ),
);

describe("a clean repository", () => {
  /** Only keys git init and git clone write, and a submodule that is not checked out. */
  function ordinaryClone() {
    cleanRepo(ws);
    setConfig(ws, { "remote.origin.url": "https://example.invalid/x.git", "remote.origin.fetch": "+refs/heads/*:refs/remotes/origin/*" });
    setConfig(ws, { "branch.main.remote": "origin", "branch.main.merge": "refs/heads/main" });
    nestedRepo(ws, "sub");
    rmSync(path.join(ws, "sub"), { recursive: true });
    mkdirSync(path.join(ws, "sub"));
  }

  it("runs git status and git log without asking", async () => {
    ordinaryClone();
    expect(repoConfigRisk(ws)).toBeNull();
    const { run, asked, close } = await connect("off", "decline");
    try {
      expect(await run("git status")).toMatchObject({ ran: true, approval: "not_required", exitCode: 0 });
      expect((await run("git log --oneline")).stdout).toContain("add sub");
      expect(asked).toEqual([]);
    } finally {
      await close();
    }
  });

  it("asks as soon as the config gains a key outside the list", async () => {
    ordinaryClone();
    const canary = canaryIn(ws);
    const { run, asked, close } = await connect("off", "decline");
    try {
      expect(await run("git status")).toMatchObject({ ran: true, approval: "not_required" });
      setConfig(ws, { "core.fsmonitor": canary.program });
      expect(await run("git status")).toMatchObject({ ran: false, approval: "declined" });
      expect(asked).toHaveLength(1);
      expect(canary.runs()).toEqual([]);
    } finally {
      await close();
    }
  });

  const config = () => path.join(ws, ".git/config");
  it.each([
    ["the submodule is checked out", () => git(path.join(ws, "sub"), "init", "-q"), /sub is a checked-out submodule/],
    ["an include appears", () => setConfig(ws, { "include.path": "x.cfg" }), /sets include\.path;/],
    // Same size as the harmless config written first: the inode or the times must tell.
    ["the config is rewritten to the same size", () => write(config(), "[core]\n\tbare = 0\n[alias]\n\temai = e\n"), /sets alias\.emai;/],
    [
      "a .git directory is replaced by a .git file",
      () => {
        rmSync(path.join(ws, ".git"), { recursive: true });
        write(path.join(ws, ".git"), "gitdir: /somewhere/else\n");
      },
      /^\.git is a file/,
    ],
  ] as const)("notices when %s", (name, change, reason) => {
    ordinaryClone();
    if (name.includes("same size")) write(config(), "[core]\n\tbare = 0\n[user]\n\temail = e\n");
    expect(repoConfigRisk(ws)).toBeNull();
    change();
    expect(repoConfigRisk(ws)).toMatch(reason);
  });

  it("answers from its cache, without running git, while no file it read has changed", () => {
    ordinaryClone();
    expect(repoConfigRisk(ws)).toBeNull();
    const runs = gitRuns();
    for (let i = 0; i < 100; i++) expect(repoConfigRisk(ws)).toBeNull();
    expect(gitRuns()).toBe(runs);
    setConfig(ws, { "user.name": "Someone Else" });
    expect(repoConfigRisk(ws)).toBeNull();
    expect(gitRuns()).toBeGreaterThan(runs);
  });
});

describe("the check reads nothing outside the workspace, and shows no value", () => {
  let outside: string;
  let secret: string;
  beforeEach(() => {
    outside = path.join(root, "outside");
    mkdirSync(outside);
    secret = path.join(outside, "my.cnf");
    writeFileSync(secret, hostSecretConfig);
  });
  /** Nothing of the host file: not its values, not its keys, not the names in another repository's index. */
  const expectNothingOf = (text: string) => {
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(/client\.|password/);
  };

  it.each(leakCases)("$name", (row) => {
    row.build(ws, outside, secret);
    const runs = vi.mocked(spawnSync).mock.calls.length;
    const started = Date.now();
    const risk = repoConfigRisk(ws);
    // A FIFO is never opened: git's own read of one would block until the timeout.
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(risk).toMatch(row.risk);
    expectNothingOf(risk!);
    // git never ran where it could read the workspace, or anything the workspace points to.
    for (const [file, args, options] of vi.mocked(spawnSync).mock.calls.slice(runs)) {
      if (!isGit(file, args)) continue;
      for (const dir of [options?.cwd, options?.env?.GIT_DIR, options?.env?.GIT_WORK_TREE]) {
        if (dir) expect(String(dir).startsWith(root)).toBe(false);
      }
    }
  });

  function throughTheServerWith(mode: "off" | "required") {
    it.each(leakCases)("git status in: $name", async (row) => {
      row.build(ws, outside, secret);
      const { client, asked, close } = await connect(mode, "decline");
      try {
        // The whole result, as the model gets it: the structured output and the text.
        const result = await client.callTool({ name: "run_command", arguments: { command: "git status" } });
        expect(asked).toHaveLength(1);
        expect(result.structuredContent).toMatchObject({ ran: false, approval: "declined", risk: expect.stringMatching(row.risk) });
        expectNothingOf(JSON.stringify(result));
        expectNothingOf(JSON.stringify(asked));
      } finally {
        await close();
      }
    });
  }
  describe("through the server, not sandboxed", () => throughTheServerWith("off"));
  describe.skipIf(!sandboxWorks && !sandboxMustRun)("through the server, sandboxed", () => throughTheServerWith("required"));

  // SHELL_SANDBOX=off in the server's own environment keeps the check from trying bwrap.
  it.skipIf((!sandboxWorks && !sandboxMustRun) || process.env.SHELL_SANDBOX === "off")(
    "runs git for the check in the sandbox, which sees only a scratch directory",
    () => {
      cleanRepo(ws);
      const runs = vi.mocked(spawnSync).mock.calls.length;
      expect(repoConfigRisk(ws)).toBeNull();
      const launched = vi
        .mocked(spawnSync)
        .mock.calls.slice(runs)
        .filter(([file, args]) => isGit(file, args));
      // The config, then the index.
      expect(launched).toHaveLength(2);
      for (const [file, args] of launched) expect([file, ...(args ?? [])]).toContain("bwrap");
    },
  );

  it("asks for an include of a harmless file inside the workspace too, naming only include.path", () => {
    cleanRepo(ws);
    write(path.join(ws, "harmless.cfg"), "[user]\n\tname = Someone\n");
    setConfig(ws, { "include.path": "../harmless.cfg" });
    expect(repoConfigRisk(ws)).toBe("the repository's config sets include.path; git may run or read what it names");
  });

  it("reads the index of a sha256 repository", () => {
    git(ws, "init", "-q", "--object-format=sha256", "-b", "main");
    setConfig(ws, { "user.name": "Someone", "user.email": "someone@example.invalid" });
    write(path.join(ws, "f.txt"), "one\n");
    git(ws, "add", "f.txt");
    expect(repoConfigRisk(ws)).toBeNull();
    git(ws, "init", "-q", "--object-format=sha256", "sub");
    git(path.join(ws, "sub"), "-c", "user.name=a", "-c", "user.email=a@example.invalid", "commit", "-q", "--allow-empty", "-m", "x");
    git(ws, "add", "sub");
    expect(repoConfigRisk(ws)).toMatch(/^sub is a checked-out submodule/);
  });
});
