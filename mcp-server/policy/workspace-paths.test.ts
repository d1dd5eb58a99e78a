import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Workspace } from "./workspace-paths.ts";

const base = realpathSync(mkdtempSync(path.join(tmpdir(), "workspace-paths-")));
const root = path.join(base, "ws");
const outside = path.join(base, "outside");
afterAll(() => rmSync(base, { recursive: true, force: true }));
mkdirSync(path.join(root, "src", "deep"), { recursive: true });
mkdirSync(outside);
writeFileSync(path.join(root, "src", "deep", "file"), "");
writeFileSync(path.join(outside, "canary"), "");
symlinkSync("src/deep", path.join(root, "deep-link"));
symlinkSync("deep-link", path.join(root, "chain"));
symlinkSync("../../..", path.join(root, "src", "deep", "up"));
symlinkSync(outside, path.join(root, "out"));
symlinkSync(path.join(outside, "later"), path.join(root, "dangling"));
symlinkSync("a", path.join(root, "b"));
symlinkSync("b", path.join(root, "a"));

const workspace = new Workspace(root);

describe("Workspace.resolve", () => {
  it.each(["src", "src/deep/file", "deep-link", "chain/file", "deep-link/..", "chain/../deep/file", "src/deep/up", "out/canary", "out/.."])(
    "goes where the kernel goes for %j",
    (value) => {
      // Joined, not path.join-ed, and libc realpath: the oracle must not normalise `link/..` lexically either.
      expect(workspace.resolve(value)).toMatchObject({ path: realpathSync.native(`${root}/${value}`), exists: true });
    },
  );

  it("comes back in when a path leaves and re-enters the workspace", () => {
    expect(workspace.check("src/deep/up/ws/src", "read")).toBeNull();
  });

  it("applies what is left lexically once a component is missing", () => {
    expect(workspace.resolve("new/dir/../file")).toEqual({ path: path.join(root, "new", "file"), exists: false, isDirectory: false });
    expect(workspace.resolve("deep-link/new/../../..")).toMatchObject({ path: root });
  });

  it("follows a dangling symlink to where writing through it would land", () => {
    expect(workspace.resolve("dangling")).toEqual({ path: path.join(outside, "later"), exists: false, isDirectory: false });
  });

  it("gives up on a symlink loop", () => {
    expect(() => workspace.resolve("a")).toThrow(/too many symlinks/);
  });
});

describe("Workspace.check", () => {
  it.each([
    ["src/deep/file", "read"],
    [`${root}/src`, "read"],
    ["chain/file", "write"],
    [".", "read"],
    ["/dev/null", "read"],
    ["new-file", "write"],
    ["src", "delete"],
  ] as const)("lets %j be used to %s", (value, use) => {
    expect(workspace.check(value, use)).toBeNull();
  });

  it.each([
    ["..", "read"],
    ["src/deep/up", "read"],
    ["src/deep/up/outside/canary", "read"],
    ["out/canary", "read"],
    ["dangling", "write"],
    [`${root}-sibling/x`, "read"],
    ["~/x", "read"],
    ["~", "read"],
    ["a", "read"],
    ["/dev/null", "write"],
    [".", "delete"],
    ["src/..", "delete"],
  ] as const)("keeps %j from being used to %s", (value, use) => {
    expect(workspace.check(value, use)).toMatchObject({ risk: "outside-workspace" });
  });

  it("says where a path leads", () => {
    expect(workspace.check("out/canary", "read")?.detail).toBe(`out/canary → ${path.join(outside, "canary")}`);
  });

  it("asks about everything when the workspace itself cannot be resolved", () => {
    expect(new Workspace(path.join(base, "missing")).check("x", "read")).toMatchObject({ risk: "outside-workspace" });
  });
});
