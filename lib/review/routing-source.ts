/**
 * The routing rules in force, read from ROUTING_FILE and read again when it changes. At start-up a missing or bad
 * file throws (start-up stops with the field named); later, a bad edit is logged and the last good rules stay.
 */
import "server-only";
import { existsSync, readFileSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { NO_ROUTING, parseRoutingFile, RoutingFileError, type RoutingFile } from "./routing-file";

export interface RoutingRules {
  current(): RoutingFile;
}

/** Editors save in bursts (truncate, write, rename): read once things are quiet. */
const SETTLE_MS = 100;

export class RoutingSource implements RoutingRules {
  private rules: RoutingFile;
  private readonly file: string;
  private readonly log: (message: string) => void;
  private watcher?: FSWatcher;
  private timer?: ReturnType<typeof setTimeout>;
  private readonly listeners = new Set<(rules: RoutingFile) => void>();

  constructor(file: string, options: { log?: (message: string) => void; watch?: boolean } = {}) {
    this.file = path.resolve(/*turbopackIgnore: true*/ file);
    this.log = options.log ?? ((message) => console.error(`[review] ${message}`));
    if (!existsSync(this.file)) throw new RoutingFileError(`ROUTING_FILE: ${this.file} does not exist`);
    this.rules = this.read();
    if (options.watch !== false) this.startWatching();
  }

  current(): RoutingFile {
    return this.rules;
  }

  /** Hears each good reload; returns the way to stop. */
  onReload(listener: (rules: RoutingFile) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the file again now; a bad file is logged and the rules in force stay. Returns whether it took. */
  reload(): boolean {
    try {
      this.rules = this.read();
    } catch (error) {
      this.log(`${error instanceof Error ? error.message : String(error)}; keeping the last good rules`);
      return false;
    }
    this.log(`${path.basename(this.file)} reloaded: ${this.rules.rules.length} rules`);
    for (const listener of this.listeners) listener(this.rules);
    return true;
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private read(): RoutingFile {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      throw new RoutingFileError(`${this.file}: cannot be read (${error instanceof Error ? error.message : String(error)})`);
    }
    return parseRoutingFile(text, this.file);
  }

  /** Watches the folder, not the file: an editor that saves by renaming replaces the file a watch would follow. */
  private startWatching(): void {
    const name = path.basename(this.file);
    try {
      this.watcher = watch(path.dirname(this.file), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed.toString() !== name) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.reload(), SETTLE_MS);
        this.timer.unref?.();
      });
      this.watcher.on("error", (error) => this.log(`cannot watch ${this.file}: ${error.message}`));
    } catch (error) {
      this.log(`cannot watch ${this.file} (${error instanceof Error ? error.message : String(error)}): edits need a restart`);
    }
  }
}

/** No ROUTING_FILE: nothing is routed. */
export const noRouting: RoutingRules = { current: () => NO_ROUTING };
