/**
 * git: `git [global options] <subcommand> [args]`. Runs without asking only for the read-only subcommands below,
 * each with its own option allow-list; every operand (revision or path, before or after `--`) is checked as a
 * path, which a revision like `HEAD~1` always passes and `../x` or `/etc` never does.
 * - No global option that points git elsewhere or runs a program: `-c`, `--config-env`, `--exec-path`, `-C`,
 *   `--git-dir`, `--work-tree`, `-p`/`--paginate` (pager)...
 * - No subcommand option that writes or runs a program: `--output`, `--ext-diff`, `--textconv`,
 *   `--show-signature` and `--format=%G?` (gpg)...
 * - Long options must be spelled in full: git accepts abbreviations among options this table does not list all of.
 * - Values are only ever taken attached (`-n5`, `--format=%h`): a separate word is then checked as an operand,
 *   which errs on the side of asking whatever git would have made of it.
 * The repository's own configuration (fsmonitor, pagers, diff drivers) is judged by ClassifyContext.gitRepoRisk.
 */
import { specTool, untabledArgIssues, type Tool } from "./command-spec.ts";
import type { Arg, ParsedArgs } from "./option-parser.ts";
import { optionTable } from "./option-table.ts";
import type { Issue, Risk } from "../risks.ts";
import type { Workspace } from "../workspace-paths.ts";

const exact = { abbreviations: false } as const;

const GLOBAL_SAFE = new Set([
  "--no-pager",
  "-P",
  "--no-optional-locks",
  "--literal-pathspecs",
  "--glob-pathspecs",
  "--noglob-pathspecs",
  "--icase-pathspecs",
  "--no-replace-objects",
]);

const DIFF_OPTIONS =
  "p u |patch s |no-patch U?=text |unified?=text |raw |patch-with-raw |patch-with-stat |stat?=text |numstat |shortstat " +
  "|dirstat?=text |summary |name-only |name-status |compact-summary z |full-index |binary |abbrev?=text |no-abbrev " +
  "B?=text |break-rewrites?=text M?=text |find-renames?=text C?=text |find-copies?=text |find-copies-harder " +
  "D |irreversible-delete l?=text |diff-filter?=text S?=text G?=text |pickaxe-all |pickaxe-regex O?=path R " +
  "|relative?=text |no-relative a |text |ignore-cr-at-eol |ignore-space-at-eol b |ignore-space-change w " +
  "|ignore-all-space |ignore-blank-lines I?=text |ignore-matching-lines?=text |inter-hunk-context?=text W " +
  "|function-context |exit-code |quiet |no-ext-diff |no-textconv |ignore-submodules?=text |src-prefix?=text " +
  "|dst-prefix?=text |no-prefix |line-prefix?=text |color?=text |no-color |color-moved?=text |no-color-moved " +
  "|color-words?=text |word-diff?=text |word-diff-regex?=text |minimal |patience |histogram |diff-algorithm?=text " +
  "|anchored?=text |no-renames |indent-heuristic |no-indent-heuristic |check |ws-error-highlight?=text " +
  "|textconv!code-execution |ext-diff!code-execution |output?=dest!write";

const REVISION_OPTIONS =
  "n?=text |max-count?=text |skip?=text |since?=text |after?=text |until?=text |before?=text |author?=text " +
  "|committer?=text |grep?=text |all-match |invert-grep i |regexp-ignore-case |basic-regexp E |extended-regexp F " +
  "|fixed-strings P |perl-regexp |remove-empty |merges |no-merges |min-parents?=text |max-parents?=text " +
  "|no-min-parents |no-max-parents |first-parent |not |all |branches?=text |tags?=text |remotes?=text |glob?=text " +
  "|exclude?=text |single-worktree |ignore-missing |cherry-mark |cherry-pick |left-only |right-only |cherry " +
  "g |walk-reflogs |merge |boundary |simplify-by-decoration |full-history |dense |sparse |simplify-merges " +
  "|ancestry-path |show-pulls |topo-order |date-order |author-date-order |reverse |no-walk?=text |do-walk " +
  "|pretty?=text |format?=text |abbrev-commit |no-abbrev-commit |oneline |encoding?=text |expand-tabs?=text " +
  "|no-expand-tabs |notes?=text |no-notes |show-notes?=text |standard-notes |no-standard-notes " +
  "|show-signature!code-execution |relative-date |date?=text |parents |children |left-right |graph " +
  "|show-linear-break?=text |decorate?=text |no-decorate |decorate-refs?=text |decorate-refs-exclude?=text " +
  "|source |use-mailmap |mailmap |no-mailmap |no-use-mailmap |full-diff |log-size |follow m c |cc " +
  "|diff-merges?=text |no-diff-merges |combined-all-paths t";

const log = optionTable(`${DIFF_OPTIONS} ${REVISION_OPTIONS}`, { ...exact, numericCount: true });

/** Format placeholders that make git verify signatures, which runs gpg (or what the config names instead). */
function signatureFormats(parsed: ParsedArgs): Issue[] {
  return parsed.options
    .filter(
      ({ def, value }) => def.longs.some((name) => name === "format" || name === "pretty") && value && /%G|%\(signature/.test(value.text),
    )
    .map(({ value }) => ({ risk: "code-execution", detail: `${value!.text} verifies signatures with gpg` }));
}

/** Maps, never plain objects: `git constructor` must find no subcommand. */
const SUBCOMMANDS: ReadonlyMap<string, Tool> = new Map<string, Tool>(
  Object.entries({
    log: specTool({ options: log, operands: "paths", check: signatureFormats }),
    show: specTool({ options: log, operands: "paths", check: signatureFormats }),
    diff: specTool({
      options: optionTable(`${DIFF_OPTIONS} |cached |staged |merge-base |no-index 1 2 3 |base |ours |theirs`, exact),
      operands: "paths",
      check: (parsed, workspace) =>
        noIndexDirectories(
          parsed.operands,
          parsed.options.some(({ def }) => def.longs.includes("no-index")),
          workspace,
        ),
    }),
    status: specTool({
      options: optionTable(
        "s|short b|branch |show-stash |porcelain?=text |long v|verbose u?=text |untracked-files?=text " +
          "|ignore-submodules?=text |ignored?=text z |column?=text |no-column |ahead-behind |no-ahead-behind |renames " +
          "|no-renames |find-renames?=text",
        exact,
      ),
      operands: "paths",
    }),
    "rev-parse": specTool({
      options: optionTable(
        "|show-toplevel |show-prefix |show-cdup |git-dir |absolute-git-dir |git-common-dir |is-inside-work-tree " +
          "|is-inside-git-dir |is-bare-repository |is-shallow-repository |abbrev-ref?=text |short?=text |verify q|quiet " +
          "|symbolic |symbolic-full-name |all |branches?=text |tags?=text |remotes?=text |show-object-format?=text " +
          "|revs-only |no-revs |flags |no-flags |sq",
        exact,
      ),
      operands: "paths",
    }),
    "ls-files": specTool({
      options: optionTable(
        "c|cached d|deleted m|modified o|others i|ignored s|stage u|unmerged k|killed |directory |no-empty-directory " +
          "|eol z t v f |full-name |error-unmatch |exclude-standard x?=text |exclude?=text X?=path |exclude-from?=path " +
          "|exclude-per-directory?=text |abbrev?=text |deduplicate |format?=text",
        exact,
      ),
      operands: "paths",
    }),
    blame: specTool({
      options: optionTable(
        "b |root |show-stats l t s e|show-email w M?=text C?=text L?=text p|porcelain |line-porcelain c f|show-name " +
          "n|show-number |incremental |abbrev?=text |date?=text |no-progress |minimal |encoding?=text |contents?=path " +
          "S?=path |reverse?=text |first-parent |ignore-rev?=text |ignore-revs-file?=path |color-lines |color-by-age " +
          "|textconv!code-execution |no-textconv",
        exact,
      ),
      operands: "paths",
    }),
    branch: specTool({
      options: optionTable(
        "a|all r|remotes v|verbose l|list |show-current |contains?=text |no-contains?=text |merged?=text " +
          "|no-merged?=text |points-at?=text |sort?=text |format?=text |color?=text |no-color |column?=text |no-column " +
          "i|ignore-case |abbrev?=text |no-abbrev q|quiet |omit-empty d|delete!write D!write m|move!write M!write " +
          "c|copy!write C!write f|force!write |set-upstream-to?=text!write u?=text!write |unset-upstream!write " +
          "|edit-description!write |track?=text!write |no-track!write |create-reflog!write",
        exact,
      ),
      operands: "text",
      // `git branch NAME` creates a branch; names are patterns only when listing.
      check: (parsed) => [
        ...signatureFormats(parsed),
        ...(parsed.operands.length > 0 && !parsed.options.some(({ def }) => def.short === "l")
          ? [{ risk: "write" as const, detail: "git branch NAME creates a branch" }]
          : []),
      ],
    }),
  }),
);

const OTHER_SUBCOMMANDS: ReadonlyMap<string, Risk> = new Map<string, Risk>(
  (
    [
      ["network", "push fetch pull clone ls-remote remote submodule send-email request-pull"],
      ["delete", "rm clean prune gc"],
    ] as const
  ).flatMap(([risk, names]) => names.split(" ").map((name): [string, Risk] => [name, risk])),
);

export const gitTool: Tool = {
  takesOptions: true,
  check(args: readonly Arg[], workspace: Workspace): Issue[] {
    const issues: Issue[] = [];
    let i = 0;
    for (; i < args.length && args[i]!.text.startsWith("-"); i++) {
      const option = args[i]!.text;
      if (GLOBAL_SAFE.has(option)) continue;
      issues.push({ risk: "code-execution", detail: `git ${option} changes which repository, config or programs git uses` });
      // These take the next word; reading on past it only helps name the subcommand's risk.
      if (["-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix"].includes(option)) i++;
    }
    const sub = args[i]?.text;
    if (sub === undefined) return [...issues, { risk: "write", inherent: true, detail: "git without a subcommand" }];
    const rest = args.slice(i + 1);
    const tool = SUBCOMMANDS.get(sub);
    if (tool) return [...issues, ...tool.check(rest, workspace)];
    // Not read-only: the subcommand's own risk, which an allow rule may lift; its words are read as for a tool without a table.
    issues.push({ risk: OTHER_SUBCOMMANDS.get(sub) ?? "write", inherent: true });
    issues.push(...untabledArgIssues(rest, workspace));
    return issues;
  },
};

/** `git diff --no-index` on directories reads the files in them; like diff, only files run without asking. */
function noIndexDirectories(operands: readonly Arg[], noIndex: boolean, workspace: Workspace): Issue[] {
  if (!noIndex) return [];
  return operands
    .filter(
      (operand) =>
        workspace.check(operand.text, "read") === null && operand.text !== "/dev/null" && workspace.resolve(operand.text).isDirectory,
    )
    .map((operand) => ({
      risk: "outside-workspace" as const,
      detail: `${operand.text} is a directory: its files are read through symlinks`,
    }));
}
