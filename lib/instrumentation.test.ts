import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { register } from "@/instrumentation";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.restoreAllMocks();
});

describe("start-up (instrumentation register)", () => {
  it("refuses to start on a bad setting, naming it", async () => {
    process.env.NEXT_RUNTIME = "nodejs";
    process.env.ELICITATION_TIMEOUT_MS = "soon";
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    const exit = vi.spyOn(process, "exit").mockImplementation(() => undefined as never);
    await register();
    expect(exit).toHaveBeenCalledWith(1);
    expect(errors.join("\n")).toMatch(/ELICITATION_TIMEOUT_MS="soon".*not starting/);
  });

  it.each([
    [
      "a folder that is a file",
      (dir: string) => (writeFileSync(path.join(dir, "file"), ""), path.join(dir, "file", "app.db")),
      /Cannot write the database folder/,
    ],
    ["a database file that is a folder", (dir: string) => dir, /Cannot open the database/],
  ])("refuses to start when the database cannot be written (%s), saying where", async (_name, place, message) => {
    process.env.NEXT_RUNTIME = "nodejs";
    const dir = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-unwritable-"));
    process.env.DATABASE_URL = place(dir);
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    const exit = vi.spyOn(process, "exit").mockImplementation(() => undefined as never);
    await register();
    expect(exit).toHaveBeenCalledWith(1);
    expect(errors.join("\n")).toMatch(message);
    expect(errors.join("\n")).toMatch(/\[storage\].*not starting/);
  });

  it("starts with valid settings", async () => {
    process.env.NEXT_RUNTIME = "nodejs";
    delete process.env.ELICITATION_TIMEOUT_MS;
    const exit = vi.spyOn(process, "exit").mockImplementation(() => undefined as never);
    await register();
    expect(exit).not.toHaveBeenCalled();
  });
});
