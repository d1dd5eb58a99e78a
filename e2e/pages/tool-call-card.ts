import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Locator } from "@playwright/test";
import { E2E_WORKSPACE } from "../workspace";

/** Where the "db" fixture server of mcp.e2e.json records every call it receives (one JSON line each). */
export const GATE_CALLS_FILE = path.join(E2E_WORKSPACE, ".gate-fixture-calls.jsonl");

/** The calls the fixture server really received, optionally only those of one tool. */
export function gateCalls(tool?: string): Array<{ tool: string; args: Record<string, unknown> }> {
  if (!existsSync(GATE_CALLS_FILE)) return [];
  return readFileSync(GATE_CALLS_FILE, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { tool: string; args: Record<string, unknown> })
    .filter((call) => tool === undefined || call.tool === tool);
}

/** A card of the client-side approval gate: a tool call of a server from mcp.json waiting for a yes. */
export class ToolCallCard {
  readonly root: Locator;
  readonly server: Locator;
  readonly toolName: Locator;
  readonly description: Locator;
  readonly annotations: Locator;
  readonly editor: Locator;
  readonly errors: Locator;
  readonly settledArguments: Locator;
  readonly outcome: Locator;
  readonly accept: Locator;
  readonly remember: Locator;

  constructor(root: Locator) {
    this.root = root;
    this.server = root.getByTestId("elicitation-server");
    this.toolName = root.getByTestId("tool-call-name");
    this.description = root.getByTestId("tool-call-description");
    this.annotations = root.getByTestId("tool-call-annotations");
    this.editor = root.getByRole("textbox", { name: "Arguments (JSON)" });
    this.errors = root.getByTestId("tool-call-errors");
    this.settledArguments = root.getByTestId("tool-call-arguments");
    this.outcome = root.getByTestId("elicitation-outcome");
    this.accept = root.getByRole("button", { name: "Accept", exact: true });
    this.remember = root.getByRole("checkbox", { name: /Always allow/ });
  }

  /** The arguments now in the editor, parsed. */
  async arguments(): Promise<unknown> {
    return JSON.parse(await this.editor.inputValue());
  }
}
