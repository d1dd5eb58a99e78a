/**
 * GNU find: `find [-P] [starting-point...] [expression]`. Starting points are paths (checked like any other); the
 * expression is read token by token against an allow-list of tests, options, print actions and operators, each
 * with the number of arguments it takes, so `-name -delete` is a name and not an action. Never without asking:
 * `-delete`, `-exec`/`-execdir`/`-ok`/`-okdir`, `-fprint`/`-fprint0`/`-fprintf`/`-fls`, `-L`/`-H`/`-follow` (walk
 * through symlinks out of the workspace), `-files0-from`, and anything not listed.
 */
import type { Tool } from "./command-spec.ts";
import type { Arg } from "./option-parser.ts";
import type { Issue, Risk } from "../risks.ts";
import type { Workspace } from "../workspace-paths.ts";

interface Primary {
  /** How many words follow it; "command" runs up to `;` or `+`. */
  args: number | "command";
  /** What its argument is: a path is checked against the workspace. */
  value?: "text" | "path";
  risk?: Risk;
}

const text1: Primary = { args: 1, value: "text" };
const path1: Primary = { args: 1, value: "path" };
const none: Primary = { args: 0 };

/** A Map, never a plain object: a word like `__proto__` or `constructor` must not find Object.prototype's members. */
const PRIMARIES: ReadonlyMap<string, Primary> = new Map<string, Primary>([
  ..."name iname path ipath wholename iwholename regex iregex lname ilname type xtype size perm user group uid gid mtime mmin atime amin ctime cmin links inum used fstype context regextype maxdepth mindepth printf"
    .split(" ")
    .map((name): [string, Primary] => [`-${name}`, text1]),
  ..."samefile newer anewer cnewer".split(" ").map((name): [string, Primary] => [`-${name}`, path1]),
  ..."empty executable readable writable false true nouser nogroup depth d mount xdev noleaf ignore_readdir_race noignore_readdir_race daystart warn nowarn print print0 ls prune quit not a and o or help version"
    .split(" ")
    .map((name): [string, Primary] => [`-${name}`, none]),
  ["(", none],
  [")", none],
  ["!", none],
  [",", none],
  ["-delete", { args: 0, risk: "delete" }],
  ["-exec", { args: "command", risk: "code-execution" }],
  ["-execdir", { args: "command", risk: "code-execution" }],
  ["-ok", { args: "command", risk: "code-execution" }],
  ["-okdir", { args: "command", risk: "code-execution" }],
  ["-fprint", { args: 1, risk: "write" }],
  ["-fprint0", { args: 1, risk: "write" }],
  ["-fls", { args: 1, risk: "write" }],
  ["-fprintf", { args: 2, risk: "write" }],
  ["-follow", { args: 0, risk: "outside-workspace" }],
  ["-files0-from", { args: 1, risk: "outside-workspace" }],
]);

/** `-newerXY`: compares a time of each file with a reference file's (or, for `t`, a date given as text). */
const NEWER_XY = /^-newer[aBcm]([aBcmt])$/;

/**
 * Where GNU find (4.9) stops reading starting points: at a word of two or more characters starting with `-`, or
 * a bare `!` or `(`. A bare `,` or `)` is a starting point there (`find , x -exec ...` searches `,` and `x`).
 */
const isExpressionStart = (text: string) => (text.startsWith("-") && text.length > 1) || text === "!" || text === "(";

export const findTool: Tool = {
  takesOptions: true,
  check(args: readonly Arg[], workspace: Workspace): Issue[] {
    const issues: Issue[] = [];
    let i = 0;
    // Leading options: -P (never follow symlinks) is find's default; -H and -L follow them out of the workspace.
    for (; i < args.length && /^-[HLPDO]/.test(args[i]!.text) && !PRIMARIES.has(args[i]!.text); i++) {
      const option = args[i]!.text;
      if (option === "-P") continue;
      issues.push({ risk: /^-[HL]$/.test(option) ? "outside-workspace" : "unchecked-option", detail: `find ${option}` });
      if (option === "-D") i++;
    }
    for (; i < args.length && !isExpressionStart(args[i]!.text); i++) {
      const issue = workspace.check(args[i]!.text, "read");
      if (issue) issues.push(issue);
    }
    while (i < args.length) {
      const token = args[i++]!.text;
      const newer = NEWER_XY.exec(token);
      const primary = PRIMARIES.get(token) ?? (newer ? (newer[1] === "t" ? text1 : path1) : undefined);
      if (!primary) {
        // Unknown: ask. Reading on as if it took no argument only helps name the worst risk further on.
        issues.push({ risk: "unchecked-option", detail: `find ${token} is not on the allow-list` });
        continue;
      }
      if (primary.risk) issues.push({ risk: primary.risk, detail: `find ${token}` });
      if (primary.args === "command") {
        while (i < args.length && args[i]!.text !== ";" && args[i]!.text !== "+") i++;
        i++;
        continue;
      }
      const values = args.slice(i, i + primary.args);
      i += primary.args;
      if (primary.value === "path") {
        for (const value of values) {
          const issue = workspace.check(value.text, "read");
          if (issue) issues.push(issue);
        }
      }
    }
    return issues;
  },
};
