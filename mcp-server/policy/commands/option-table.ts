/**
 * A command's options, written one token per option so a tool's whole table reads at a glance:
 *
 *   "a|all"                -a and --all, a flag
 *   "|author"              --author only;  "e" -e only
 *   "n|lines=text"         takes a value (`-n 5`, `-n5`, `--lines=5`, `--lines 5`); text: not checked
 *   "f|file=path"          the value is a path read by the command: resolved and kept inside the workspace
 *   "t|target-directory=dest"  the value is a path the command writes into
 *   "|color?=text"         optional value, only ever attached (`--color=auto`, never `--color auto`)
 *   "o|output=path!write"  declared so abbreviations and clusters parse as the tool parses them; using it asks
 *   "q|quiet|silent"       one option with two long names
 *
 * A table lists every long option the tool has, allowed or not: GNU tools accept any unambiguous prefix of a long
 * option (`--o` is `--output`), and only the full list says what a prefix means.
 */
import { RISK_TEXT, type Risk } from "../risks.ts";

export type ValueKind = "text" | "path" | "dest";

export interface OptionDef {
  short?: string;
  longs: readonly string[];
  arg: "none" | "required" | "optional";
  value: ValueKind;
  /** Set for options that are declared but never run without asking. */
  risk?: Risk;
}

export interface OptionTable {
  short: ReadonlyMap<string, OptionDef>;
  long: ReadonlyMap<string, OptionDef>;
  /** GNU getopt_long: an unambiguous prefix names the option. */
  abbreviations: boolean;
  /** `head -5`: a dash and digits alone is a count. */
  numericCount: boolean;
}

const RISKS = new Set<string>(Object.keys(RISK_TEXT));
const TOKEN = /^([^|=?!]?)((?:\|[a-z0-9][a-z0-9-]*)*)(?:(\?)?=(text|path|dest))?(?:!([a-z-]+))?$/;

export interface TableSettings {
  abbreviations?: boolean;
  numericCount?: boolean;
}

export function optionTable(spec: string, { abbreviations = true, numericCount = false }: TableSettings = {}): OptionTable {
  const short = new Map<string, OptionDef>();
  const long = new Map<string, OptionDef>();
  for (const token of spec.trim().split(/\s+/)) {
    const match = TOKEN.exec(token);
    if (!match || (!match[1] && !match[2])) throw new Error(`bad option token "${token}"`);
    const [, shortName, longNames, optional, kind, risk] = match;
    if (risk !== undefined && !RISKS.has(risk)) throw new Error(`bad risk in option token "${token}"`);
    const def: OptionDef = {
      ...(shortName && { short: shortName }),
      longs: longNames ? longNames.slice(1).split("|") : [],
      arg: kind === undefined ? "none" : optional ? "optional" : "required",
      value: (kind as ValueKind | undefined) ?? "text",
      ...(risk !== undefined && { risk: risk as Risk }),
    };
    if (shortName) add(short, shortName, def, token);
    for (const name of def.longs) add(long, name, def, token);
  }
  return { short, long, abbreviations, numericCount };
}

function add(map: Map<string, OptionDef>, name: string, def: OptionDef, token: string): void {
  if (map.has(name)) throw new Error(`option "${name}" declared twice (at "${token}")`);
  map.set(name, def);
}

/** How an option is named on the card: its long name if it has one. */
export function optionName(def: OptionDef): string {
  return def.longs[0] ? `--${def.longs[0]}` : `-${def.short}`;
}
