import type { NextConfig } from "next";

// @ai-sdk/openai reads OPENAI_BASE_URL when it is imported and throws on an empty string, which is what a copied
// .env with `OPENAI_BASE_URL=` gives. Empty means unset here, as everywhere else in the app.
for (const name of ["OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL"]) {
  if (process.env[name]?.trim() === "") delete process.env[name];
}

const nextConfig: NextConfig = {
  // Separate build folders let e2e tests and benchmarks build without clobbering a developer's `.next`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The MCP SDK and Mastra spawn processes and read files at run time; bundling them buys nothing.
  serverExternalPackages: ["@mastra/core", "@mastra/mcp", "@mastra/pg", "@modelcontextprotocol/sdk", "ioredis"],
  devIndicators: false,
  // `npm run typecheck` checks the whole project (tests, e2e, MCP server) before any build in `npm test`.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
