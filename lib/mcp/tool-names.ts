/** How MCP tools are named to the model, defined once for the server side and the tool UIs. */
import { RUN_COMMAND_TOOL } from "@/mcp-server/contract";

/** The bundled shell server's name: its tools reach the model as `shell_<tool>`. */
export const BUNDLED_SERVER_NAME = "shell";

/** The name the model sees for a server's tool: two servers' tools never collide. */
export const toolKey = (serverName: string, toolName: string) => `${serverName}_${toolName}`;

/** The bundled server's run_command tool, as the model (and the chat's tool UI) sees it. */
export const RUN_COMMAND_TOOL_KEY = toolKey(BUNDLED_SERVER_NAME, RUN_COMMAND_TOOL);
