/**
 * The official MCP conformance suite against the HTTP server, judged against conformance-baseline.json.
 *
 * The CLI cannot send an Authorization header, so the suite talks to a local-only instance (no token, loopback,
 * Host/Origin still checked) with the suite's elicitation fixture tools registered. The suite reports a call to a
 * missing tool as a pass when it only checks that "content" came back; such hollow passes count as failures here.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromEnv } from "../config.ts";
import { startHttpServer, type RunningHttpServer } from "../http-server.ts";
import { registerConformanceFixtures } from "../testing/conformance-fixtures.ts";

interface Check {
  id: string;
  status: string;
  errorMessage?: string;
  details?: unknown;
}
interface Baseline {
  server: Record<string, string>;
}

const CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@modelcontextprotocol/conformance/package.json")),
  "dist/index.js",
);
const baseline = JSON.parse(readFileSync(path.join(import.meta.dirname, "conformance-baseline.json"), "utf8")) as Baseline;
const MISSING_FIXTURE = /(?:Tool|Prompt|Resource) \S+ not found|Unknown (?:tool|prompt|resource)/i;

let server: RunningHttpServer;
let scratch: string;
const outcomes = new Map<string, { passed: boolean; why: string }>();

function runSuite(url: string, outputDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "server", "--url", url, "-o", outputDir], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    // Its exit code says "some scenario failed", which the baseline expects; the verdict is ours below.
    child.on("close", () => resolve(output));
  });
}

/** One directory per scenario, `server-<scenario>-<timestamp>/checks.json`. */
function readOutcomes(outputDir: string): void {
  for (const entry of readdirSync(outputDir)) {
    const scenario = entry.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, "");
    const checks = JSON.parse(readFileSync(path.join(outputDir, entry, "checks.json"), "utf8")) as Check[];
    const failures = checks.filter((check) => check.status === "FAILURE");
    const hollow = checks.find((check) => check.status === "SUCCESS" && MISSING_FIXTURE.test(JSON.stringify(check.details ?? "")));
    const why =
      failures.map((check) => `${check.id}: ${check.errorMessage ?? "failed"}`).join("; ") ||
      (hollow ? `${hollow.id}: passed only by reporting a missing fixture` : "");
    outcomes.set(scenario, { passed: failures.length === 0 && !hollow && checks.length > 0, why });
  }
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "shell-conformance-"));
  const config = configFromEnv({ WORKSPACE_DIR: path.join(scratch, "workspace"), PATH: process.env.PATH });
  server = await startHttpServer({ config, port: 0, localOnly: true, extend: registerConformanceFixtures });
  const resultsDir = path.join(scratch, "results");
  const output = await runSuite(server.url, resultsDir);
  readOutcomes(resultsDir);
  if (outcomes.size === 0) console.log(output);
  const passed = [...outcomes.values()].filter((outcome) => outcome.passed).length;
  console.log(
    `MCP conformance: ${passed} scenarios passed, ${outcomes.size - passed} failed (${Object.keys(baseline.server).length} expected by the baseline)`,
  );
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("MCP conformance suite against the HTTP server", () => {
  it("ran the suite's scenarios, including every baselined one", () => {
    expect(outcomes.size).toBeGreaterThanOrEqual(20);
    for (const scenario of Object.keys(baseline.server)) expect(outcomes.has(scenario), `baselined ${scenario} did not run`).toBe(true);
  });

  it("passes every scenario outside the baseline", () => {
    const unexpected = [...outcomes].filter(([scenario, outcome]) => !outcome.passed && !(scenario in baseline.server));
    expect(unexpected.map(([scenario, outcome]) => `${scenario}: ${outcome.why}`)).toEqual([]);
  });

  it("fails every baselined scenario (a pass means the baseline is stale)", () => {
    const stale = [...outcomes]
      .filter(([scenario, outcome]) => outcome.passed && scenario in baseline.server)
      .map(([scenario]) => scenario);
    expect(stale).toEqual([]);
  });

  it("really runs the elicitation scenarios and DNS rebinding protection", () => {
    for (const scenario of [
      "tools-call-elicitation",
      "elicitation-sep1034-defaults",
      "elicitation-sep1330-enums",
      "dns-rebinding-protection",
    ]) {
      expect(outcomes.get(scenario)?.passed, scenario).toBe(true);
    }
  });
});
