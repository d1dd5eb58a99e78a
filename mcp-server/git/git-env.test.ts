/**
 * Each part of the neutral git environment, checked against the git on this machine: with the whole neutral
 * environment the repository's program does not run; without the part under test (the control), it does. So
 * every row shows both that the attack is real and that this part is what stops it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FORCED_GIT_CONFIG, neutralGitEnv } from "./git-env.ts";
import { type Place, rows } from "../testing/git-env-cases.ts";
import { type Canary, canaryIn, cleanRepo } from "../testing/git-test-repos.ts";

let root: string;
let place: Place;
let canary: Canary;
let home: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "git-env-"));
  place = { ws: path.join(root, "ws"), outside: path.join(root, "outside"), canary: "" };
  mkdirSync(place.ws);
  mkdirSync(place.outside);
  home = mkdtempSync(path.join(tmpdir(), "git-env-home-"));
  canary = canaryIn(place.outside);
  place.canary = canary.program;
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

/** The neutral environment less the named variables and forced keys (GIT_CONFIG_COUNT rebuilt without them). */
function without(env: Record<string, string>, names: readonly string[]): Record<string, string> {
  const forced = /^GIT_CONFIG_(?:COUNT|KEY_\d+|VALUE_\d+)$/;
  const rest = Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name) && !forced.test(name)));
  const kept = FORCED_GIT_CONFIG.filter(([key]) => !names.includes(key));
  kept.forEach(([key, value], index) => Object.assign(rest, { [`GIT_CONFIG_KEY_${index}`]: key, [`GIT_CONFIG_VALUE_${index}`]: value }));
  return { ...rest, GIT_CONFIG_COUNT: String(kept.length) };
}

function run(command: string, env: Record<string, string>, tty = false) {
  const [file, args] = tty ? ["script", ["-qec", command, "/dev/null"]] : ["/bin/sh", ["-c", command]];
  // The cast only drops NODE_ENV, which Next's global types make required.
  return spawnSync(file, args, {
    cwd: place.ws,
    env: env as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 15_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("the neutral git environment", () => {
  it.each(rows)("stops $name", (row) => {
    row.build(place);
    // A terminal that can show colour, where git would start a colour filter; otherwise what commands get.
    const base = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      LANG: "C",
      TERM: row.tty ? "xterm" : "dumb",
      HOME: row.homeIsWorkspace ? place.ws : home,
      ...row.extraEnv?.(place),
    };
    const neutral = { ...base, ...neutralGitEnv(place.ws) };
    canary.reset();
    run(row.command, neutral, row.tty);
    expect(canary.runs()).toEqual([]);
    // The control: the same command without the part under test runs the repository's program.
    run(row.command, without(neutral, row.stoppedBy), row.tty);
    expect(canary.runs().length).toBeGreaterThan(0);
  });

  it("keeps ordinary git working", () => {
    cleanRepo(place.ws);
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", TERM: "dumb", HOME: home, ...neutralGitEnv(place.ws) };
    const script = "git status --short && git diff && git log --oneline -p -1 && git commit -qam second && git show --stat HEAD";
    const result = run(script, env);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("+two");
    expect(result.stdout).toContain("second");
  });

  it("leaves diff.external alone: on this git an empty value breaks every git diff instead of turning it off", () => {
    cleanRepo(place.ws);
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", HOME: home, ...neutralGitEnv(place.ws) };
    const broken = run("git -c diff.external= diff", env);
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain("external diff died");
    expect(run("git diff", env).stdout).toContain("+two");
  });
});
