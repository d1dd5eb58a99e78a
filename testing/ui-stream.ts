/**
 * Reads an AI SDK UI message stream (SSE) chunk by chunk, as a browser would, so tests can wait for a part,
 * act (answer a card), and keep reading the same response.
 */
export interface StreamChunk {
  type: string;
  id?: string;
  data?: unknown;
  toolName?: string;
  output?: unknown;
  delta?: string;
  errorText?: string;
  [key: string]: unknown;
}

export class UiStreamReader {
  readonly seen: StreamChunk[] = [];
  private readonly reader: ReadableStreamDefaultReader<string>;
  private buffer = "";
  done = false;

  readonly response: Response;

  constructor(response: Response) {
    if (!response.body) throw new Error("response has no body");
    this.response = response;
    this.reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** Reads until a chunk matches (and returns it), or throws when the stream ends first. */
  async waitFor(match: (chunk: StreamChunk) => boolean, what = "a matching chunk"): Promise<StreamChunk> {
    const found = this.seen.find(match);
    if (found) return found;
    for (;;) {
      const chunk = await this.next();
      if (!chunk) throw new Error(`stream ended before ${what}; saw: ${this.seen.map((c) => c.type).join(", ")}`);
      if (match(chunk)) return chunk;
    }
  }

  async readToEnd(): Promise<StreamChunk[]> {
    while (await this.next());
    return this.seen;
  }

  /** The assistant's text so far. */
  text(): string {
    return this.seen
      .filter((c) => c.type === "text-delta")
      .map((c) => c.delta)
      .join("");
  }

  private async next(): Promise<StreamChunk | undefined> {
    for (;;) {
      const lineEnd = this.buffer.indexOf("\n\n");
      if (lineEnd >= 0) {
        const event = this.buffer.slice(0, lineEnd);
        this.buffer = this.buffer.slice(lineEnd + 2);
        const data = event
          .split("\n")
          .find((line) => line.startsWith("data: "))
          ?.slice(6);
        if (!data || data === "[DONE]") continue;
        const chunk = JSON.parse(data) as StreamChunk;
        this.seen.push(chunk);
        return chunk;
      }
      if (this.done) return undefined;
      const { done, value } = await this.reader.read();
      if (done) this.done = true;
      else this.buffer += value;
    }
  }
}
