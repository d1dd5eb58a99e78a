/** The text blocks of an MCP CallToolResult, which is how tools without structured output answer. */
export function mcpText(value: unknown): string | undefined {
  const content = value && typeof value === "object" && "content" in value ? value.content : undefined;
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((block: { type?: unknown; text?: unknown }) =>
    block?.type === "text" && typeof block.text === "string" ? [block.text] : [],
  );
  return texts.length ? texts.join("\n") : undefined;
}
