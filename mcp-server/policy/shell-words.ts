/**
 * What /bin/sh (dash) makes of one parsed word before the command sees it: a fixed string, or a pathname pattern
 * to expand against the workspace. unbash parses bash; where dash differs or the parse is not certain, the word
 * is "unsupported" and the command asks:
 * - `$'...'`, `$"..."`, brace expansion and extended globs mean something else in dash (or are syntax errors);
 * - parameter, command and arithmetic expansion, process substitution: the value is only known at run time;
 * - bracket expressions beyond plain characters and ranges (`[[:alpha:]]`, `[^a]`, escapes, `/`, non-ASCII):
 *   dash's own rules for them are subtle or version-dependent, and guessing wrong could hide a match.
 */
import type { DoubleQuotedChild, GlobPart, Word, WordPart } from "unbash";

/** A pathname pattern, split into the pieces dash matches: fixed text, `*`, `?` and bracket expressions. */
export type PatternToken =
  | { type: "text"; value: string }
  | { type: "star" }
  | { type: "question" }
  | { type: "bracket"; negate: boolean; ranges: ReadonlyArray<readonly [number, number]> };

export type ShellWord =
  /** `text` is the word after quote removal: what runs when the pattern matches nothing (or there is none). */
  { kind: "word"; text: string; pattern: readonly PatternToken[] | null } | { kind: "unsupported"; why: string };

class Unsupported extends Error {}

export function readWord(word: Word): ShellWord {
  try {
    if (!word.parts) {
      // No parts: unbash saw nothing to expand. Double-check the raw text rather than trust that blindly.
      checkBareText(word.text, word.text);
      return { kind: "word", text: word.value, pattern: null };
    }
    const tokens = word.parts.flatMap((part) => partTokens(part, word.text));
    const isPattern = tokens.some((token) => token.type !== "text");
    return { kind: "word", text: word.value, pattern: isPattern ? mergeText(tokens) : null };
  } catch (error) {
    if (error instanceof Unsupported) return { kind: "unsupported", why: error.message };
    throw error;
  }
}

function partTokens(part: WordPart, wordText: string): PatternToken[] {
  switch (part.type) {
    case "Literal":
      checkBareText(part.text, wordText);
      return [{ type: "text", value: part.value }];
    case "SingleQuoted":
      return [{ type: "text", value: part.value }];
    case "DoubleQuoted":
      return [{ type: "text", value: part.parts.map(doubleQuotedText).join("") }];
    case "Glob":
      return [globToken(part)];
    default:
      throw new Unsupported(`${part.type === "BraceExpansion" ? "brace expansion (literal in /bin/sh)" : "expansion"}: ${part.text}`);
  }
}

function doubleQuotedText(child: DoubleQuotedChild): string {
  if (child.type !== "Literal") throw new Unsupported(`expansion: ${child.text}`);
  return child.value;
}

/**
 * Unquoted text unbash left as plain must hold no unescaped expansion or pattern character; a `[` is plain only
 * when no `]` follows anywhere in the word (quoted or not: dash's rules for those mixes are not worth guessing).
 */
function checkBareText(text: string, wordText: string): void {
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (char === "$" || char === "`") throw new Unsupported(`expansion: ${text}`);
    else if (char === "*" || char === "?" || (char === "[" && wordText.includes("]"))) throw new Unsupported(`pattern: ${text}`);
  }
}

function globToken(part: GlobPart): PatternToken {
  if (part.kind === "star") return { type: "star" };
  if (part.kind === "question") return { type: "question" };
  const inner = part.parts;
  if (!inner.every((p) => p.type === "Literal" && !p.text.includes("\\"))) throw new Unsupported(`bracket expression: ${part.text}`);
  let body = inner.map((p) => (p.type === "Literal" ? p.value : "")).join("");
  const negate = body.startsWith("!");
  if (negate) body = body.slice(1);
  if (body.startsWith("^") || body === "" || /[[/\\]|[^\x20-\x7e]/.test(body)) throw new Unsupported(`bracket expression: ${part.text}`);
  const ranges: Array<readonly [number, number]> = [];
  for (let i = 0; i < body.length; i++) {
    const low = body.charCodeAt(i);
    // `a-z` is a range; a `-` first or last is itself.
    if (body[i + 1] === "-" && i + 2 < body.length) {
      const high = body.charCodeAt(i + 2);
      if (high < low) throw new Unsupported(`bracket expression: ${part.text}`);
      ranges.push([low, high]);
      i += 2;
    } else {
      ranges.push([low, low]);
    }
  }
  return { type: "bracket", negate, ranges };
}

function mergeText(tokens: PatternToken[]): PatternToken[] {
  const merged: PatternToken[] = [];
  for (const token of tokens) {
    const last = merged.at(-1);
    if (token.type === "text" && last?.type === "text") merged[merged.length - 1] = { type: "text", value: last.value + token.value };
    else merged.push(token);
  }
  return merged;
}
