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

  it("starts with valid settings", async () => {
    process.env.NEXT_RUNTIME = "nodejs";
    delete process.env.ELICITATION_TIMEOUT_MS;
    const exit = vi.spyOn(process, "exit").mockImplementation(() => undefined as never);
    await register();
    expect(exit).not.toHaveBeenCalled();
  });
});
