import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { parseDuration, parseRoutingFile, RoutingFileError, type RoutingFile } from "./routing-file";
import { routeOf } from "./routing";
import { RoutingSource } from "./routing-source";

function question(overrides: Partial<ElicitationData> = {}): ElicitationData {
  return {
    id: "q1",
    kind: "question",
    mode: "form",
    threadId: "t1",
    serverName: "shell",
    message: "Run it?",
    requestedSchema: { type: "object", properties: {} },
    command: "rm -rf build",
    risk: "deletes files: rm -rf build",
    status: "pending",
    createdAt: 0,
    expiresAt: 60_000,
    ...overrides,
  };
}

const file = (json: unknown): RoutingFile => parseRoutingFile(JSON.stringify(json), "routing.json");
const alice = { id: "alice" };

describe("the routing file", () => {
  it("reads groups, rules and their defaults", () => {
    const rules = file({
      groups: { ops: ["bob", "carol"] },
      rules: [{ routeTo: ["ops"], deadline: { after: "10m", escalateTo: ["dana"] } }],
    });
    expect(rules.rules[0]).toMatchObject({ approvals: 1, requesterMayAnswer: true, match: {}, deadline: { after: 600_000 } });
  });

  it.each([
    ["not JSON", "{", "not valid JSON"],
    ["an unknown top-level key", '{"rulez":[]}', "(root): Unrecognized key"],
    ["no routeTo", '{"rules":[{}]}', "rules[0].routeTo"],
    ["an empty routeTo", '{"rules":[{"routeTo":[]}]}', "rules[0].routeTo"],
    ["approvals 0", '{"rules":[{"routeTo":["bob"],"approvals":0}]}', "rules[0].approvals"],
    ["approvals 6", '{"rules":[{"routeTo":["bob"],"approvals":6}]}', "rules[0].approvals"],
    ["more approvals than people", '{"rules":[{"routeTo":["bob"],"approvals":2}]}', "rules[0].approvals: 2 different approvers"],
    ["a bad duration", '{"rules":[{"routeTo":["bob"],"deadline":{"after":"soon","escalateTo":["x"]}}]}', "rules[0].deadline.after"],
    ["an unknown match field", '{"rules":[{"routeTo":["bob"],"match":{"host":"x"}}]}', "rules[0].match"],
    ["a misspelt rule field", '{"rules":[{"routeTo":["bob"],"aprovals":2}]}', "rules[0]"],
  ])("refuses %s, naming the field", (_what, text, words) => {
    expect(() => parseRoutingFile(text, "routing.json")).toThrow(RoutingFileError);
    expect(() => parseRoutingFile(text, "routing.json")).toThrow(words);
  });

  it("reads durations", () => {
    expect([parseDuration("500ms"), parseDuration("30s"), parseDuration("10m"), parseDuration("1h")]).toEqual([
      500, 30_000, 600_000, 3_600_000,
    ]);
    expect([parseDuration("10"), parseDuration("-1m"), parseDuration("0s"), parseDuration("1d")]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("matching", () => {
  const route = (match: unknown, data = question(), requester: { id: string; name?: string } = alice) =>
    routeOf(file({ groups: { ops: ["bob", "carol"] }, rules: [{ match, routeTo: ["ops"] }] }), data, requester);

  it("matches every question when the match is empty, and nothing without rules", () => {
    expect(route({})?.routedTo).toEqual(["ops"]);
    expect(routeOf(file({}), question(), alice)).toBeUndefined();
  });

  it("matches on the server", () => {
    expect(route({ server: "shell" })).toBeDefined();
    expect(route({ server: ["db", "shell"] })).toBeDefined();
    expect(route({ server: "db" })).toBeUndefined();
  });

  it("matches on a tool-call card's tool", () => {
    const call = question({
      kind: "tool-call",
      command: undefined,
      toolCall: { toolName: "deploy", arguments: {}, inputSchema: {}, reason: "x", rememberable: false },
    });
    expect(route({ tool: "deploy" }, call)).toBeDefined();
    expect(route({ tool: "deploy" })).toBeUndefined();
    expect(route({ tool: "drop" }, call)).toBeUndefined();
  });

  it("matches on the risk label, any case, not on the rest of the risk text", () => {
    expect(route({ risk: "Deletes Files" })).toBeDefined();
    expect(route({ risk: "rm -rf build" })).toBeUndefined();
    expect(route({ risk: "deletes files" }, question({ risk: undefined }))).toBeUndefined();
  });

  it("matches a command prefix up to a word boundary", () => {
    expect(route({ commandPrefix: "rm" })).toBeDefined();
    expect(route({ commandPrefix: "rm -rf" })).toBeDefined();
    expect(route({ commandPrefix: "rm" }, question({ command: "rmdir x" }))).toBeUndefined();
    expect(route({ commandPrefix: "rm" }, question({ command: undefined }))).toBeUndefined();
  });

  it("matches on the specialty a question asked through /api/mcp needs, in any case, and never on a question without one", () => {
    expect(route({ specialty: "security" }, question({ specialty: "Security" }))).toBeDefined();
    expect(route({ specialty: ["legal", "finance"] }, question({ specialty: "finance" }))).toBeDefined();
    expect(route({ specialty: "security" }, question({ specialty: "legal" }))).toBeUndefined();
    expect(route({ specialty: "security" }, question())).toBeUndefined();
  });

  it("matches on the requester by id or name", () => {
    expect(route({ requester: "alice" })).toBeDefined();
    expect(route({ requester: "Alice A." }, question(), { id: "u1", name: "Alice A." })).toBeDefined();
    expect(route({ requester: "alice" }, question(), { id: "mallory" })).toBeUndefined();
  });

  it("needs every given field to hold", () => {
    expect(route({ server: "shell", commandPrefix: "git" })).toBeUndefined();
    expect(route({ server: "shell", commandPrefix: "rm" })).toBeDefined();
  });

  it("takes the first rule that matches, and expands groups", () => {
    const rules = file({
      groups: { ops: ["bob", "carol"], admins: ["dana"] },
      rules: [
        { match: { commandPrefix: "git" }, routeTo: ["admins"] },
        { match: { server: "shell" }, routeTo: ["ops", "erin"], approvals: 2, requesterMayAnswer: false },
        { routeTo: ["dana"] },
      ],
    });
    const route = routeOf(rules, question(), alice);
    expect(route).toMatchObject({ routedTo: ["ops", "erin"], approvalsNeeded: 2, requesterMayAnswer: false });
    expect([...(route?.users ?? [])]).toEqual(["bob", "carol", "erin"]);
    expect(routeOf(rules, question({ command: "git push" }), alice)?.routedTo).toEqual(["admins"]);
  });

  it("does not take Object.prototype names for groups", () => {
    const route = routeOf(file({ rules: [{ routeTo: ["constructor"] }] }), question(), alice);
    expect([...(route?.users ?? [])]).toEqual(["constructor"]);
  });
});

describe("RoutingSource", () => {
  let folder: string;
  let source: RoutingSource | undefined;
  afterEach(() => {
    source?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });
  const write = (name: string, json: unknown) => {
    writeFileSync(path.join(folder, name), typeof json === "string" ? json : JSON.stringify(json));
    return path.join(folder, name);
  };

  it("refuses to start with a missing or bad file, naming it and the field", () => {
    folder = mkdtempSync(path.join(os.tmpdir(), "routing-"));
    expect(() => new RoutingSource(path.join(folder, "nope.json"), { watch: false })).toThrow("does not exist");
    const bad = write("bad.json", { rules: [{ routeTo: ["bob"], approvals: 9 }] });
    expect(() => new RoutingSource(bad, { watch: false })).toThrow(/bad\.json: rules\[0\]\.approvals/);
  });

  it("reloads when the file changes; a bad edit is logged and the last good rules stay", async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), "routing-"));
    const target = write("routing.json", { rules: [{ routeTo: ["bob"] }] });
    const logged: string[] = [];
    source = new RoutingSource(target, { log: (m) => logged.push(m) });
    expect(source.current().rules[0]?.routeTo).toEqual(["bob"]);

    write("routing.json", { rules: [{ routeTo: ["carol"] }] });
    await vi.waitFor(() => expect(source?.current().rules[0]?.routeTo).toEqual(["carol"]), { timeout: 5_000, interval: 20 });

    write("routing.json", { rules: [{ routeTo: [] }] });
    await vi.waitFor(() => expect(logged.join("\n")).toContain("rules[0].routeTo"), { timeout: 5_000, interval: 20 });
    expect(logged.join("\n")).toContain("keeping the last good rules");
    expect(source.current().rules[0]?.routeTo).toEqual(["carol"]);
  });
});

describe("docs/routing.example.json", () => {
  it("is a valid routing file", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(path.join(import.meta.dirname, "../../docs/routing.example.json"), "utf8");
    expect(parseRoutingFile(text, "routing.example.json").rules).toHaveLength(4);
  });
});
