import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { Redis } from "ioredis";
import { errorMessage } from "@/lib/errors";

/**
 * This instance's connections to Redis: one for commands, one for subscriptions (a subscribed connection can do
 * nothing else), and one more per reader of a stream that blocks. ioredis reconnects by itself; while it is away,
 * commands fail at once rather than queue (`enableOfflineQueue: false`), so nothing waits on a link that is down,
 * and `up` says so: what depends on the others fails closed, and comes back when Redis does.
 *
 * Messages between instances are signed (HMAC-SHA256 with a key derived from the instances' shared secret): a
 * client that can reach Redis but does not hold the secret cannot answer a question or stop a turn in anyone's name.
 */
export class RedisLinks {
  readonly commands: Redis;
  readonly subscriber: Redis;
  private readonly listeners = new Set<(up: boolean) => void>();
  private readonly channels = new Map<string, (message: unknown) => void>();
  /** Set once every channel is subscribed on the current connection: a deaf instance is not up. */
  private listening = false;
  private wasUp = false;
  private readonly log: (message: string) => void;
  private readonly key: Buffer;

  constructor(url: string, secret: string, log: (message: string) => void = (message) => console.warn(`[cluster] ${message}`)) {
    this.log = log;
    this.key = createHmac("sha256", secret).update("elicit-chat instance messages").digest();
    const options = {
      // Reconnect every 0.2 s at first, then every 2 s, for ever: Redis coming back must need no restart.
      retryStrategy: (times: number) => Math.min(times * 200, 2_000),
      connectTimeout: 2_000,
      lazyConnect: false,
    };
    this.commands = new Redis(url, { ...options, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    // Subscriptions are made here at every (re)connect, not left to ioredis: one that failed while Redis was
    // still away at start-up would otherwise never be made again.
    this.subscriber = new Redis(url, { ...options, maxRetriesPerRequest: null, autoResubscribe: false });
    this.subscriber.on("ready", () => void this.subscribeAll());
    this.subscriber.on("message", (channel: string, text: string) => this.receive(channel, text));
    for (const connection of [this.commands, this.subscriber]) {
      // Without a listener an unreachable Redis would be an unhandled 'error' event: the process must stay up.
      connection.on("error", (error: unknown) => this.noteError(error));
      for (const event of ["ready", "close", "end"]) connection.on(event, () => this.check());
    }
  }

  get up(): boolean {
    return this.commands.status === "ready" && this.subscriber.status === "ready" && this.listening;
  }

  /** Hears every change between up and down; returns the way to stop. */
  onChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hears every signed message on `channel` (before `ready()`: subscribed as the link comes up). */
  listen(channel: string, handler: (message: unknown) => void): void {
    this.channels.set(channel, handler);
    if (this.subscriber.status === "ready") void this.subscribeAll();
  }

  /** Publishes a signed message; false when Redis is away (nothing is queued for later). */
  async publish(channel: string, message: unknown): Promise<boolean> {
    if (!this.up) return false;
    const body = JSON.stringify(message);
    await this.commands.publish(channel, JSON.stringify({ body, mac: this.mac(body) }));
    return true;
  }

  /** Resolves once the links are up, or after `timeoutMs` (then the instance starts degraded). */
  async ready(timeoutMs = 5_000): Promise<boolean> {
    if (this.up) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => (stop(), resolve(false)), timeoutMs);
      const stop = this.onChange((up) => {
        if (!up) return;
        clearTimeout(timer);
        stop();
        resolve(true);
      });
    });
  }

  /**
   * A connection of its own, for a reader that blocks (XREAD BLOCK); the caller disconnects it. Its first command
   * waits for it to connect; after that, a lost connection fails the read (no retries: the reader ends).
   */
  blocking(): Redis {
    const connection = this.commands.duplicate({ enableOfflineQueue: true, retryStrategy: () => null });
    connection.on("error", () => {});
    return connection;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.commands.disconnect();
    this.subscriber.disconnect();
  }

  private async subscribeAll(): Promise<void> {
    const channels = [...this.channels.keys()];
    try {
      if (channels.length > 0) await this.subscriber.subscribe(...channels);
      this.listening = true;
    } catch (error) {
      this.noteError(error);
      this.listening = false;
    }
    this.check();
  }

  private receive(channel: string, text: string): void {
    const handler = this.channels.get(channel);
    if (!handler) return;
    let message: unknown;
    try {
      const { body, mac } = JSON.parse(text) as { body?: unknown; mac?: unknown };
      if (typeof body !== "string" || typeof mac !== "string" || !this.verifies(body, mac)) return;
      message = JSON.parse(body);
    } catch {
      return; // Not ours: ignored, never guessed at.
    }
    try {
      handler(message);
    } catch (error) {
      console.error("[cluster] a message handler failed:", error);
    }
  }

  private mac(body: string): string {
    return createHmac("sha256", this.key).update(body).digest("base64url");
  }

  private verifies(body: string, mac: string): boolean {
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private lastError = "";
  private noteError(error: unknown): void {
    const message = errorMessage(error);
    if (message !== this.lastError) this.log(`Redis: ${message}`);
    this.lastError = message;
  }

  private check(): void {
    if (this.subscriber.status !== "ready") this.listening = false;
    const up = this.up;
    if (up === this.wasUp) return;
    this.wasUp = up;
    if (up) this.lastError = "";
    this.log(up ? "Redis is reachable: coordinating with the other instances" : "Redis is unreachable: degraded");
    for (const listener of this.listeners) {
      try {
        listener(up);
      } catch (error) {
        console.error("[cluster] a listener failed:", error);
      }
    }
  }
}
