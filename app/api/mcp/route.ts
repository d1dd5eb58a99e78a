import { serveMcp } from "@/lib/experts/mcp-endpoint";

export const dynamic = "force-dynamic";

/** MCP over Streamable HTTP for agents with an API key: see lib/experts/ (the "people" server: ask_human...). */
export const POST = serveMcp;
export const GET = serveMcp;
export const DELETE = serveMcp;
