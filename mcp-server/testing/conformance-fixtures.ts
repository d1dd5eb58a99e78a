/**
 * Test-only tools the official MCP conformance suite calls to exercise elicitation (tools-call-elicitation,
 * elicitation-sep1034-defaults, elicitation-sep1330-enums). The conformance test registers them on each
 * session's server (startHttpServer's `extend`), so that the elicitation scenarios really run against this
 * server's transport and session handling; production code never imports this file.
 */
import type { CallToolResult, ElicitRequestFormParams, McpServer, ServerContext } from "@modelcontextprotocol/server";
import { z } from "zod";

type Schema = ElicitRequestFormParams["requestedSchema"];

export function registerConformanceFixtures(server: McpServer): void {
  const ask = async (ctx: ServerContext, message: string, requestedSchema: Schema, prefix: string): Promise<CallToolResult> => {
    if (!server.server.getClientCapabilities()?.elicitation) {
      return { content: [{ type: "text", text: "The client does not support elicitation." }], isError: true };
    }
    const result = await ctx.mcpReq.elicitInput({ mode: "form", message, requestedSchema }, { relatedRequestId: ctx.mcpReq.id });
    return { content: [{ type: "text", text: `${prefix}action=${result.action}, content=${JSON.stringify(result.content ?? {})}` }] };
  };

  server.registerTool(
    "test_elicitation",
    { description: "Conformance fixture: asks for a username and email.", inputSchema: z.object({ message: z.string() }) },
    ({ message }, ctx) =>
      ask(
        ctx,
        message,
        {
          type: "object",
          properties: {
            username: { type: "string", description: "User's response" },
            email: { type: "string", description: "User's email address" },
          },
          required: ["username", "email"],
        },
        "User response: ",
      ),
  );

  server.registerTool("test_elicitation_sep1034_defaults", { description: "Conformance fixture: defaults for every primitive." }, (ctx) =>
    ask(
      ctx,
      "Please review the defaults",
      {
        type: "object",
        properties: {
          name: { type: "string", default: "John Doe" },
          age: { type: "integer", default: 30 },
          score: { type: "number", default: 95.5 },
          status: { type: "string", enum: ["active", "inactive", "pending"], default: "active" },
          verified: { type: "boolean", default: true },
        },
      },
      "Elicitation completed: ",
    ),
  );

  server.registerTool("test_elicitation_sep1330_enums", { description: "Conformance fixture: every enum variant." }, (ctx) =>
    ask(
      ctx,
      "Please choose",
      {
        type: "object",
        properties: {
          untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
          titledSingle: {
            type: "string",
            oneOf: [
              { const: "value1", title: "First Option" },
              { const: "value2", title: "Second Option" },
              { const: "value3", title: "Third Option" },
            ],
          },
          legacyEnum: { type: "string", enum: ["opt1", "opt2", "opt3"], enumNames: ["Option One", "Option Two", "Option Three"] },
          untitledMulti: { type: "array", items: { type: "string", enum: ["option1", "option2", "option3"] } },
          titledMulti: {
            type: "array",
            items: {
              anyOf: [
                { const: "value1", title: "First Choice" },
                { const: "value2", title: "Second Choice" },
                { const: "value3", title: "Third Choice" },
              ],
            },
          },
        },
      },
      "Elicitation completed: ",
    ),
  );
}
