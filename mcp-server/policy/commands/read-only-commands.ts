/**
 * The commands the classifier knows, by name: the read-only ones that may run without asking when their words
 * pass their checks, and the file-changing ones that always ask but may be remembered by prefix. A command not
 * here is never run without asking (see KNOWN_RISKS in risks.ts for how the question names it).
 * It is deliberately short: a tool not listed, or an option not in its table, costs a question, not a hole.
 */
import { specTool, textOnly, type Tool } from "./command-spec.ts";
import * as files from "./file-tool-specs.ts";
import { findTool } from "./find-expression.ts";
import { gitTool } from "./git-commands.ts";
import { sed } from "./sed-script.ts";
import * as text from "./text-tool-specs.ts";
import * as writers from "./write-tool-specs.ts";

/** A Map, never a plain object: a command named `constructor` or `__proto__` must find nothing. */
export const TOOLS: ReadonlyMap<string, Tool> = new Map<string, Tool>([
  // dash's echo and printf print their words; true and false ignore theirs.
  ["echo", textOnly],
  ["printf", textOnly],
  ["true", textOnly],
  ["false", textOnly],
  ["ls", specTool(files.ls)],
  ["cat", specTool(files.cat)],
  ["head", specTool(files.head)],
  ["tail", specTool(files.tail)],
  ["wc", specTool(files.wc)],
  ["stat", specTool(files.stat)],
  ["du", specTool(files.du)],
  ["df", specTool(files.df)],
  ["file", specTool(files.file)],
  ["cut", specTool(files.cut)],
  ["nl", specTool(files.nl)],
  ["comm", specTool(files.comm)],
  ["cmp", specTool(files.cmp)],
  ["md5sum", specTool(files.checksum)],
  ["sha1sum", specTool(files.checksum)],
  ["sha256sum", specTool(files.checksum)],
  ["sha512sum", specTool(files.checksum)],
  ["sort", specTool(files.sort)],
  ["uniq", specTool(files.uniq)],
  ["realpath", specTool(files.realpath)],
  ["diff", specTool(files.diff)],
  ["grep", specTool(files.grep)],
  ["egrep", specTool(files.grep)],
  ["fgrep", specTool(files.grep)],
  ["tr", specTool(text.tr)],
  ["id", specTool(text.id)],
  ["uname", specTool(text.uname)],
  ["whoami", specTool(text.whoami)],
  ["pwd", specTool(text.pwd)],
  ["basename", specTool(text.basename)],
  ["dirname", specTool(text.dirname)],
  ["which", specTool(text.which)],
  ["date", specTool(text.date)],
  ["sed", specTool(sed)],
  ["find", findTool],
  ["git", gitTool],
  ["rm", specTool(writers.rm)],
  ["rmdir", specTool(writers.rmdir)],
  ["mkdir", specTool(writers.mkdir)],
  ["touch", specTool(writers.touch)],
  ["mv", specTool(writers.mv)],
  ["cp", specTool(writers.cp)],
]);

/**
 * The only tools a person may remember by prefix: every use of them stays bounded by the policy afterwards
 * (option allow-list, paths inside the workspace). Never a tool that can run code or write through its options
 * or input (sed, sort, find, git, tar, awk, xargs, env, rsync...): remembering `sed` would approve `sed '1e ...'`.
 */
export const REMEMBERABLE: ReadonlySet<string> = new Set(["rm", "rmdir", "mkdir", "touch", "mv", "cp"]);

/** Whether "commands starting with `prefix`" may be remembered: its command must be on REMEMBERABLE. */
export function rememberablePrefix(prefix: string): boolean {
  return REMEMBERABLE.has(prefix.split(" ")[0] ?? "");
}
