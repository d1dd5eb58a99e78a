import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { E2E_DATABASE, E2E_WORKSPACE } from "./e2e/workspace";

const PORT = Number(process.env.E2E_PORT ?? 3107);

// These machines cannot download Playwright's browsers; Debian's Chromium works. Root needs --no-sandbox.
const SYSTEM_CHROMIUM = "/usr/bin/chromium";
const launchOptions = {
  executablePath: existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined,
  args: [
    ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: "reports/e2e.json" }], ...(process.env.CI ? [] : [["html", { open: "never" }] as const])],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    launchOptions,
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], launchOptions } }],
  webServer: {
    // A production build, as users run it.
    command: "npm run build && npm run start",
    url: `http://127.0.0.1:${PORT}`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      NEXT_DIST_DIR: ".next-e2e",
      NEXT_TELEMETRY_DISABLED: "1",
      MCP_CONFIG: "e2e/mcp.e2e.json",
      HOST: "127.0.0.1",
      WORKSPACE_DIR: E2E_WORKSPACE,
      // A fresh database each run (global-setup.ts empties the folder).
      DATABASE_URL: E2E_DATABASE,
      // The e2e run always uses the offline model, whatever the developer's shell has set.
      OPENAI_API_KEY: "",
      OPENAI_BASE_URL: "",
    },
  },
});
