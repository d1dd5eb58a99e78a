import "server-only";
import type { UIMessageChunk } from "ai";

type Listener = (chunk: UIMessageChunk | null) => void;

/**
 * Everything one chat turn has streamed, kept while the turn runs (and a little after), so that the browser that
 * started it, or the same tab after a reload, can replay the turn from the start and follow it live.
 */
export class TurnLog {
  private readonly chunks: UIMessageChunk[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly observers = new Set<(chunk: UIMessageChunk) => void>();
  private ended = false;
  private readonly endings: Array<(chunks: UIMessageChunk[]) => void> = [];
  private readonly onSubscribers: (count: number) => void;

  /** `onSubscribers` hears the number of readers whenever one comes or goes. */
  constructor(onSubscribers: (count: number) => void = () => {}) {
    this.onSubscribers = onSubscribers;
  }

  /** Tells `onSubscribers` the current count (used once at the start, before anyone has subscribed). */
  noteSubscribers(): void {
    this.onSubscribers(this.listeners.size);
  }

  get done(): boolean {
    return this.ended;
  }

  push(chunk: UIMessageChunk): void {
    if (this.ended) return;
    this.keep(chunk);
    for (const listener of this.listeners) listener(chunk);
    for (const observer of this.observers) observer(chunk);
  }

  /** Hears each chunk as it is added. Unlike a subscription, this does not count as watching. */
  onPush(observer: (chunk: UIMessageChunk) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * A data part with an id replaces its earlier version in place, as the browser does: a card's updates and a
   * command's live output would otherwise pile up in memory and all be replayed after a reload.
   */
  private keep(chunk: UIMessageChunk): void {
    const id = chunk.type.startsWith("data-") && "id" in chunk ? chunk.id : undefined;
    const earlier = id === undefined ? -1 : this.chunks.findIndex((c) => c.type === chunk.type && "id" in c && c.id === id);
    if (earlier >= 0) this.chunks[earlier] = chunk;
    else this.chunks.push(chunk);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const listener of [...this.listeners]) listener(null);
    for (const ending of this.endings.splice(0)) ending([...this.chunks]);
  }

  /** The turn so far. */
  snapshot(): UIMessageChunk[] {
    return [...this.chunks];
  }

  /** The whole turn once it has ended. Unlike a subscription, waiting for it does not count as watching. */
  whenDone(): Promise<UIMessageChunk[]> {
    if (this.ended) return Promise.resolve([...this.chunks]);
    return new Promise((resolve) => this.endings.push(resolve));
  }

  /** The turn so far, then live until it ends. `signal` (the HTTP request's) detaches the reader when aborted. */
  subscribe(signal?: AbortSignal): ReadableStream<UIMessageChunk> {
    let listener: Listener | undefined;
    const detach = () => {
      if (listener && this.listeners.delete(listener)) this.onSubscribers(this.listeners.size);
      listener = undefined;
    };
    return new ReadableStream<UIMessageChunk>({
      start: (controller) => {
        for (const chunk of this.chunks) controller.enqueue(chunk);
        if (this.ended || signal?.aborted) return controller.close();
        listener = (chunk) => {
          if (chunk) return controller.enqueue(chunk);
          detach();
          controller.close();
        };
        this.listeners.add(listener);
        this.onSubscribers(this.listeners.size);
        signal?.addEventListener(
          "abort",
          () => {
            detach();
            try {
              controller.close();
            } catch {
              // Already closed or cancelled.
            }
          },
          { once: true },
        );
      },
      cancel: detach,
    });
  }
}
