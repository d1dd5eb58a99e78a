import "server-only";
import { Redis } from "ioredis";
import { errorMessage } from "@/lib/errors";

/**
 * This instance's connections to Redis: one for commands, one for subscriptions (a subscribed connection can do
 * nothing else), and one more per reader of a stream that blocks. ioredis reconnects by itself; while it is away,
 * commands fail at once rather than queue (`enableOfflineQueue: false`), so nothing waits on a link that is down,
 * and `up` says so: what depends on the others fails closed, and comes back when Redis does.
 */
export class RedisLinks {
  readonly commands: Redis;
  readonly subscriber: Redis;
  private readonly listeners = new Set<(up: boolean) => void>();
  private wasUp = false;
  private readonly log: (message: string) => void;

  constructor(url: string, log: (message: string) => void = (message) => console.warn(`[cluster] ${message}`)) {
    this.log = log;
    const options = {
      // Reconnect every 0.2 s at first, then every 2 s, for ever: Redis coming back must need no restart.
      retryStrategy: (times: number) => Math.min(times * 200, 2_000),
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      lazyConnect: false,
    };
    this.commands = new Redis(url, { ...options, enableOfflineQueue: false });
    // Subscriptions are queued until connected and made again after every reconnect (ioredis autoResubscribe).
    this.subscriber = new Redis(url, options);
    for (const connection of [this.commands, this.subscriber]) {
      // Without a listener an unreachable Redis would be an unhandled 'error' event: the process must stay up.
      connection.on("error", (error: unknown) => this.noteError(error));
      for (const event of ["ready", "close", "end"]) connection.on(event, () => this.check());
    }
  }

  get up(): boolean {
    return this.commands.status === "ready" && this.subscriber.status === "ready";
  }

  /** Hears every change between up and down; returns the way to stop. */
  onChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once both connections are ready, or after `timeoutMs` (then the instance starts degraded). */
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

  private lastError = "";
  private noteError(error: unknown): void {
    const message = errorMessage(error);
    if (message !== this.lastError) this.log(`Redis: ${message}`);
    this.lastError = message;
  }

  private check(): void {
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
