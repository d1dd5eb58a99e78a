/**
 * Pathname expansion as dash (/bin/sh here) does it, against the real workspace, so the classifier checks the
 * words the command will actually get. Dash's rules, which differ from bash's and from glob libraries':
 * - a pattern is split at `/`; fixed components are taken as they are, each component with `*`, `?` or `[...]`
 *   is matched against a directory listing, byte by byte (`?` is one byte), `[!...]` negates;
 * - a name starting with `.` matches only a component whose first character is a literal `.`, and then the
 *   listing includes `.` and `..`: `.*` matches both;
 * - fixed components after the last pattern are kept only if that path exists (lstat);
 * - the matches are sorted by byte value (strcmp); no match leaves the word as it was, quotes removed.
 * A glob library cannot be used here: they never let `.*` match `..`, and match characters, not bytes.
 * Every directory the expansion reads, and every path it tests, must be inside the workspace before it is looked
 * at (so that what exists outside never changes the verdict), and the work is capped; otherwise it asks.
 */
import { lstatSync, readdirSync } from "node:fs";
import type { Issue } from "./risks.ts";
import type { PatternToken } from "./shell-words.ts";
import { LeavesWorkspace, type Workspace } from "./workspace-paths.ts";

/** Per classification: a command line may not make the classifier read more than this. */
export class GlobBudget {
  directories = 64;
  entries = 20_000;
  words = 2_000;
}

/** The words the pattern becomes; `matched` is false when it matched nothing and stays as written. */
export type Expansion = { words: string[]; matched: boolean } | { issue: Issue };

interface Component {
  /** The component's fixed text (as bytes, one char per byte) when it has no pattern characters. */
  text: string | null;
  match?: RegExp;
  /** Starts with a literal `.`: dot-names (and `.`, `..`) may match. */
  matchDot: boolean;
  /** Has `?` or `[...]`, which would count a multi-byte character differently if dash ever matched by character. */
  countsBytes: boolean;
}

class Stop extends Error {
  readonly issue: Issue;
  constructor(issue: Issue) {
    super(issue.detail);
    this.issue = issue;
  }
}

export function expandPattern(tokens: readonly PatternToken[], text: string, workspace: Workspace, budget: GlobBudget): Expansion {
  const root = workspace.root;
  if (root === null) return { issue: { risk: "outside-workspace", detail: "the workspace cannot be resolved" } };
  const components = splitComponents(tokens);
  const found: string[] = [];
  // Joined, never normalised: `link/..` must go where the kernel takes it, and `dir/` must stay a directory test.
  const at = (relative: string) => (relative.startsWith("/") ? relative : `${root}/${relative || "."}`);

  const inside = (relative: string, why: string) => {
    let resolved: string;
    try {
      resolved = workspace.resolve(relative || ".", true).path;
    } catch (error) {
      if (error instanceof LeavesWorkspace) throw new Stop({ risk: "outside-workspace", detail: `${text} ${why} ${error.destination}` });
      throw new Stop({ risk: "outside-workspace", detail: `${text}: ${(error as Error).message}` });
    }
    if (!workspace.contains(resolved, "read")) throw new Stop({ risk: "outside-workspace", detail: `${text} ${why} ${resolved}` });
  };

  const walk = (prefix: string, index: number): void => {
    let dir = prefix;
    let next = index;
    while (next < components.length && components[next]!.text !== null) dir += `${components[next++]!.text}/`;
    if (next === components.length) {
      // Only fixed text after the last pattern: dash keeps the path if it exists (lstat, as dash does).
      const candidate = dir.slice(0, -1);
      const candidateUtf8 = toUtf8(candidate);
      if (candidateUtf8 === null) throw new Stop({ risk: "shell-syntax", detail: `${text}: a matching name is not UTF-8` });
      // Inside first: whether a path outside the workspace exists must not change the verdict (or be looked at).
      inside(candidateUtf8, "reaches");
      if (!exists(at(candidateUtf8))) return;
      add(candidate);
      return;
    }
    const component = components[next]!;
    const isLast = next === components.length - 1;
    const names = listDirectory(dir, component);
    for (const name of names) {
      if (isLast) add(dir + name);
      else walk(`${dir}${name}/`, next + 1);
    }
  };

  const listDirectory = (dir: string, component: Component): string[] => {
    const dirUtf8 = toUtf8(dir);
    if (dirUtf8 === null) throw new Stop({ risk: "shell-syntax", detail: `${text}: a directory name is not UTF-8` });
    inside(dirUtf8, "reads");
    if (--budget.directories < 0) throw new Stop({ risk: "shell-syntax", detail: `${text}: the pattern reads too many directories` });
    let entries: string[];
    try {
      entries = readdirSync(at(dirUtf8), { encoding: "latin1" });
    } catch {
      // dash skips what it cannot open (not a directory, gone, no permission): that part matches nothing.
      return [];
    }
    budget.entries -= entries.length;
    if (budget.entries < 0) throw new Stop({ risk: "shell-syntax", detail: `${text}: the pattern reads too many names` });
    const candidates = component.matchDot ? [".", "..", ...entries] : entries.filter((name) => !name.startsWith("."));
    return candidates.filter((name) => {
      if (component.countsBytes && /[\x80-\xff]/.test(name)) {
        throw new Stop({ risk: "shell-syntax", detail: `${text}: ? or [...] against a non-ASCII name` });
      }
      return component.match!.test(name);
    });
  };

  const add = (bytes: string) => {
    if (--budget.words < 0) throw new Stop({ risk: "shell-syntax", detail: `${text}: the pattern matches too many names` });
    found.push(bytes);
  };

  try {
    walk(components[0]?.text === "" ? "/" : "", components[0]?.text === "" ? 1 : 0);
  } catch (error) {
    if (error instanceof Stop) return { issue: error.issue };
    throw error;
  }
  if (found.length === 0) return { words: [text], matched: false };
  found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const words: string[] = [];
  for (const bytes of found) {
    const word = toUtf8(bytes);
    if (word === null) return { issue: { risk: "shell-syntax", detail: `${text}: a matching name is not UTF-8` } };
    words.push(word);
  }
  return { words, matched: true };
}

/** Splits the pattern at each `/` (always literal: dash never matches it) into byte-string components. */
function splitComponents(tokens: readonly PatternToken[]): Component[] {
  const groups: PatternToken[][] = [[]];
  for (const token of tokens) {
    if (token.type !== "text") {
      groups.at(-1)!.push(token);
      continue;
    }
    const pieces = token.value.split("/");
    pieces.forEach((piece, index) => {
      if (index > 0) groups.push([]);
      if (piece !== "") groups.at(-1)!.push({ type: "text", value: toBytes(piece) });
    });
  }
  return groups.map((group) => {
    const isFixed = group.every((token) => token.type === "text");
    const first = group[0];
    return {
      text: isFixed ? group.map((token) => (token.type === "text" ? token.value : "")).join("") : null,
      match: isFixed ? undefined : new RegExp(`^${group.map(tokenSource).join("")}$`),
      matchDot: first?.type === "text" && first.value.startsWith("."),
      countsBytes: group.some((token) => token.type === "question" || token.type === "bracket"),
    };
  });
}

function tokenSource(token: PatternToken): string {
  switch (token.type) {
    case "text":
      return token.value.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
    case "star":
      return "[\\s\\S]*";
    case "question":
      return "[\\s\\S]";
    case "bracket": {
      const set = token.ranges.map(([low, high]) => (low === high ? hex(low) : `${hex(low)}-${hex(high)}`)).join("");
      return `[${token.negate ? "^" : ""}${set}]`;
    }
  }
}

function exists(file: string): boolean {
  try {
    return lstatSync(file, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

const hex = (code: number) => `\\x${code.toString(16).padStart(2, "0")}`;
const NON_ASCII = /[^\x00-\x7f]/;
/** Names are compared as bytes, one char per byte, as dash does (ASCII is the same either way). */
const toBytes = (text: string) => (NON_ASCII.test(text) ? Buffer.from(text, "utf8").toString("latin1") : text);

function toUtf8(bytes: string): string | null {
  if (!NON_ASCII.test(bytes)) return bytes;
  const text = Buffer.from(bytes, "latin1").toString("utf8");
  return Buffer.from(text, "utf8").toString("latin1") === bytes ? text : null;
}
