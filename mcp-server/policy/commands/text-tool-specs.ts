/**
 * Read-only tools whose operands are text, not files: printing `/etc` reads nothing. Their options are still
 * allow-listed (date -f reads a file, date -s sets the clock).
 */
import type { CommandSpec } from "./command-spec.ts";
import { optionTable } from "./option-table.ts";

const HELP = "|help |version";

export const tr: CommandSpec = {
  options: optionTable(`c|complement C d|delete s|squeeze-repeats t|truncate-set1 ${HELP}`),
  operands: "text",
};

export const id: CommandSpec = {
  options: optionTable(`a Z|context g|group G|groups n|name r|real u|user z|zero ${HELP}`),
  operands: "text",
};

export const uname: CommandSpec = {
  options: optionTable(
    `a|all s|kernel-name|sysname n|nodename r|kernel-release|release v|kernel-version m|machine p|processor i|hardware-platform o|operating-system ${HELP}`,
  ),
  operands: "text",
};

export const whoami: CommandSpec = { options: optionTable(HELP), operands: "text" };

/** dash's builtin: no long options, no abbreviations. */
export const pwd: CommandSpec = { options: optionTable("L P", { abbreviations: false }), operands: "text" };

export const basename: CommandSpec = {
  options: optionTable(`a|multiple s|suffix=text z|zero ${HELP}`),
  operands: "text",
};

export const dirname: CommandSpec = { options: optionTable(`z|zero ${HELP}`), operands: "text" };

/** Debian's which is a shell script that knows only -a. */
export const which: CommandSpec = { options: optionTable("a", { abbreviations: false }), operands: "text" };

export const date: CommandSpec = {
  options: optionTable(
    "d|date=text |debug f|file=path I?=text |iso-8601?=text R|rfc-email|rfc-822|rfc-2822 |rfc-3339=text " +
      `r|reference=path |resolution s|set=text!write u|utc|uct|universal ${HELP}`,
  ),
  operands: "text",
  // `date +FORMAT` prints; any other operand (`date 010203042020`) sets the clock.
  check: (parsed) =>
    parsed.operands
      .filter((operand) => !operand.text.startsWith("+"))
      .map((operand) => ({ risk: "write" as const, detail: `${operand.text} sets the clock` })),
};
