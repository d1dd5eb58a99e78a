/**
 * Splits a command's words into options and operands the way GNU getopt_long does, so the classifier sees what
 * the tool will see:
 * - options may come after operands (argument permutation); `--` ends them; a lone `-` is an operand (stdin);
 * - short options cluster (`-mo copy.txt` is `-m -o copy.txt`), and a value may be attached (`-ofile`);
 * - a long option takes `--name=value` or, when the value is required, the next word; a prefix that names exactly
 *   one option is that option (`--o=x` is `--output=x`), an ambiguous or unknown one asks.
 * Anything not in the command's table asks. After an unknown option the rest is still parsed, guessing it takes
 * no value: that guess only affects which risk the card names, never whether it asks.
 */
import { optionName, type OptionDef, type OptionTable } from "./option-table.ts";
import type { Issue } from "../risks.ts";

/** A word as the command receives it; `fromGlob` when a pattern produced it from a file name. */
export interface Arg {
  text: string;
  fromGlob: boolean;
}

export interface ParsedOption {
  def: OptionDef;
  value?: Arg;
}

export interface ParsedArgs {
  options: ParsedOption[];
  operands: Arg[];
  issues: Issue[];
}

export function parseOptions(table: OptionTable, args: readonly Arg[]): ParsedArgs {
  const parsed: ParsedArgs = { options: [], operands: [], issues: [] };
  let endOfOptions = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const text = arg.text;
    if (endOfOptions || text === "-" || !text.startsWith("-")) {
      parsed.operands.push(arg);
    } else if (text === "--") {
      endOfOptions = true;
    } else if (text.startsWith("--")) {
      i = longOption(table, args, i, parsed);
    } else if (table.numericCount && /^-[0-9]+$/.test(text)) {
      // `head -5` means `head -n 5`: a count, nothing else.
    } else {
      i = shortCluster(table, args, i, parsed);
    }
  }
  return parsed;
}

/** Parses `--name[=value]` at args[i]; returns the index of the last word it used. */
function longOption(table: OptionTable, args: readonly Arg[], i: number, parsed: ParsedArgs): number {
  const text = args[i]!.text;
  const equals = text.indexOf("=");
  const name = text.slice(2, equals === -1 ? undefined : equals);
  const found = lookUpLong(table, name);
  if (typeof found === "string") {
    parsed.issues.push({ risk: "unchecked-option", detail: found });
    return i;
  }
  const spelled = `--${name}` === optionName(found) ? text : `${text} means ${optionName(found)}`;
  if (found.risk) parsed.issues.push({ risk: found.risk, detail: spelled });
  if (found.arg === "none") {
    if (equals !== -1) parsed.issues.push({ risk: "unchecked-option", detail: `${text}: ${optionName(found)} takes no value` });
    parsed.options.push({ def: found });
    return i;
  }
  if (equals !== -1) {
    parsed.options.push({ def: found, value: { text: text.slice(equals + 1), fromGlob: args[i]!.fromGlob } });
    return i;
  }
  if (found.arg === "optional" || i + 1 >= args.length) {
    parsed.options.push({ def: found });
    return i;
  }
  parsed.options.push({ def: found, value: args[i + 1]! });
  return i + 1;
}

/** The option a long name (or a prefix of one) names, or why it does not name exactly one. */
function lookUpLong(table: OptionTable, name: string): OptionDef | string {
  const exact = table.long.get(name);
  if (exact) return exact;
  if (!table.abbreviations) return `--${name} is not on the allow-list`;
  const matches = new Set<OptionDef>();
  for (const [longName, def] of table.long) if (longName.startsWith(name)) matches.add(def);
  if (matches.size === 1) return [...matches][0]!;
  if (matches.size === 0) return `--${name} is not on the allow-list`;
  return `--${name} is ambiguous: ${[...matches].map(optionName).join(", ")}`;
}

/** Parses a cluster of short options at args[i]; returns the index of the last word it used. */
function shortCluster(table: OptionTable, args: readonly Arg[], i: number, parsed: ParsedArgs): number {
  const text = args[i]!.text;
  for (let j = 1; j < text.length; j++) {
    const char = text[j]!;
    const def = table.short.get(char);
    // Name the option as written: `-f/etc/x` when it leads the word, `-o (in -mo)` inside a cluster.
    const shown = j === 1 ? text : `-${char} (in ${text})`;
    if (!def) {
      parsed.issues.push({ risk: "unchecked-option", detail: `${shown}: -${char} is not on the allow-list` });
      continue;
    }
    if (def.risk) parsed.issues.push({ risk: def.risk, detail: shown });
    if (def.arg === "none") {
      parsed.options.push({ def });
      continue;
    }
    const attached = text.slice(j + 1);
    if (attached !== "") {
      parsed.options.push({ def, value: { text: attached, fromGlob: args[i]!.fromGlob } });
      return i;
    }
    if (def.arg === "optional" || i + 1 >= args.length) {
      parsed.options.push({ def });
      return i;
    }
    parsed.options.push({ def, value: args[i + 1]! });
    return i + 1;
  }
  return i;
}
