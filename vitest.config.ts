import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside React Server Components; tests call server modules directly.
      "server-only": path.resolve(import.meta.dirname, "testing/server-only-stub.ts"),
    },
  },
  test: {
    include: ["{lib,mcp-server,app,components}/**/*.test.{ts,tsx}"],
    environment: "node",
    setupFiles: ["testing/vitest-setup.ts"],
    reporters: ["default", "json"],
    outputFile: { json: "reports/unit.json" },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
