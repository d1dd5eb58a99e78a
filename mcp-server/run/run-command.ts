/**
 * Runs one command line with /bin/sh in the workspace (optionally through a launcher such as bwrap),
 * in its own process group so a timeout or a cancelled
 * tool call kills everything it started, with a minimal environment and capped output.
 */
import { spawn } from "node:child_process";

export interface RunOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputChars: number;
  signal?: AbortSignal;
  /** Words run before `/bin/sh -c command`, e.g. bwrap and its flags; empty runs the shell directly. */
  launcher?: readonly string[];
  /** Called with output as it arrives, for live display; the result still carries the capped whole. */
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
}

/** Keeps the head and the tail of a stream, so both how a command started and how it ended stay visible. */
class CappedOutput {
  private head = "";
  private tail = "";
  private dropped = 0;
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }

  push(chunk: string): void {
    const headRoom = Math.floor(this.max * 0.6) - this.head.length;
    if (headRoom > 0) {
      this.head += chunk.slice(0, headRoom);
      chunk = chunk.slice(headRoom);
    }
    if (!chunk) return;
    this.tail += chunk;
    const tailMax = this.max - Math.floor(this.max * 0.6);
    if (this.tail.length > tailMax) {
      this.dropped += this.tail.length - tailMax;
      this.tail = this.tail.slice(-tailMax);
    }
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  toString(): string {
    return this.dropped > 0 ? `${this.head}\n… ${this.dropped} characters cut …\n${this.tail}` : this.head + this.tail;
  }
}

export function runCommand(options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const stdout = new CappedOutput(options.maxOutputChars);
    const stderr = new CappedOutput(options.maxOutputChars);
    let timedOut = false;

    const [file, ...args] = [...(options.launcher ?? []), "/bin/sh", "-c", options.command];
    const child = spawn(file!, args, {
      cwd: options.cwd,
      // The cast only drops NODE_ENV, which Next's global types make required; the child gets exactly this env.
      env: options.env as NodeJS.ProcessEnv,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    options.signal?.addEventListener("abort", killGroup, { once: true });

    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout.push(chunk);
      options.onOutput?.("stdout", chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr.push(chunk);
      options.onOutput?.("stderr", chunk);
    });

    const finish = (exitCode: number | null, signal: string | null, extraError = "") => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", killGroup);
      if (extraError) stderr.push(extraError);
      resolve({
        exitCode,
        signal,
        timedOut,
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        truncated: stdout.truncated || stderr.truncated,
        durationMs: Math.round(performance.now() - started),
      });
    };
    child.on("error", (error) => finish(null, null, `failed to start: ${error.message}`));
    child.on("close", (code, signal) => finish(code, signal));
  });
}
