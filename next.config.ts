import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The MCP SDK and Mastra spawn processes and read files at run time; bundling them buys nothing.
  serverExternalPackages: ["@mastra/core", "@mastra/mcp", "@modelcontextprotocol/sdk"],
  devIndicators: false,
};

export default nextConfig;
