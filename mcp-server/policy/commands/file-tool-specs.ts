/**
 * Read-only tools that take files (GNU coreutils 9, grep 3, diffutils 3, file 5 as on Debian 12): each table
 * lists all of the tool's long options so abbreviations resolve as the tool resolves them; the ones marked with a
 * risk are declared only to be recognised, and ask. Options that make a tool read a list of file names from a
 * file (`--files0-from`, `file -f`, `md5sum -c`) ask: the names inside are not checked. Options that follow
 * symlinks found while walking directories (`grep -R`, `ls -L`, `du -L`) ask: they leave the workspace through
 * any link that points out. Walking a tree never opens a FIFO or device it finds: `grep -r` skips them (and
 * `-D read` asks), `ls -R`, `du` and `find` only stat them. A FIFO or device named as an operand asks (see
 * workspace-paths.ts).
 */
import type { CommandSpec } from "./command-spec.ts";
import { optionTable } from "./option-table.ts";

const HELP = "|help |version";

export const cat: CommandSpec = {
  options: optionTable(`A|show-all b|number-nonblank e E|show-ends n|number s|squeeze-blank t T|show-tabs u v|show-nonprinting ${HELP}`),
  operands: "paths",
};

export const head: CommandSpec = {
  options: optionTable(`c|bytes=text n|lines=text q|quiet|silent v|verbose z|zero-terminated ${HELP}`, { numericCount: true }),
  operands: "paths",
};

export const tail: CommandSpec = {
  options: optionTable(
    `c|bytes=text f!process |follow?=text!process F!process n|lines=text |max-unchanged-stats=text!process ` +
      `|pid=text!process q|quiet|silent |retry!process s|sleep-interval=text!process v|verbose z|zero-terminated ${HELP}`,
    { numericCount: true },
  ),
  operands: "paths",
  // GNU tail still reads `tail +5f FILE` the traditional way: an option, and `f` follows forever.
  check: (parsed) =>
    parsed.operands
      .filter((operand) => operand.text.startsWith("+"))
      .map((operand) => ({
        risk: /f$/.test(operand.text) ? ("process" as const) : ("unchecked-option" as const),
        detail: `tail ${operand.text} is the obsolete option syntax`,
      })),
};

export const wc: CommandSpec = {
  options: optionTable(`c|bytes m|chars l|lines |files0-from=path!outside-workspace L|max-line-length w|words ${HELP}`),
  operands: "paths",
};

export const ls: CommandSpec = {
  options: optionTable(
    "a|all A|almost-all |author b|escape |block-size=text B|ignore-backups c C |color?=text d|directory D|dired f F " +
      "|classify?=text |file-type |format=text |full-time g |group-directories-first G|no-group h|human-readable |si " +
      "H|dereference-command-line |dereference-command-line-symlink-to-dir |hide=text |hyperlink?=text " +
      "|indicator-style=text i|inode I|ignore=text k|kibibytes l L|dereference!outside-workspace m n|numeric-uid-gid " +
      "N|literal o p q|hide-control-chars |show-control-chars Q|quote-name |quoting-style=text r|reverse R|recursive " +
      `s|size S |sort=text |time=text |time-style=text t T|tabsize=text u U v w|width=text x X Z|context |zero 1 ${HELP}`,
  ),
  operands: "paths",
};

export const stat: CommandSpec = {
  options: optionTable(`L|dereference f|file-system |cached=text c|format=text |printf=text t|terse ${HELP}`),
  operands: "paths",
};

export const du: CommandSpec = {
  options: optionTable(
    "0|null a|all |apparent-size B|block-size=text b|bytes c|total D|dereference-args d|max-depth=text " +
      "|files0-from=path!outside-workspace H h|human-readable |inodes k L|dereference!outside-workspace l|count-links m " +
      "P|no-dereference S|separate-dirs |si s|summarize t|threshold=text |time?=text |time-style=text " +
      `X|exclude-from=path |exclude=text x|one-file-system ${HELP}`,
  ),
  operands: "paths",
};

export const df: CommandSpec = {
  options: optionTable(
    "a|all B|block-size=text h|human-readable H|si i|inodes k l|local |no-sync |output?=text P|portability |sync " +
      `|total t|type=text T|print-type x|exclude-type=text v ${HELP}`,
  ),
  operands: "paths",
};

export const file: CommandSpec = {
  options: optionTable(
    "|help v|version m|magic-file=path!outside-workspace z|uncompress!unchecked-option Z|uncompress-noreport!unchecked-option " +
      "b|brief c|checking-printout e|exclude=text |exclude-quiet=text f|files-from=path!outside-workspace F|separator=text " +
      "i|mime |apple |extension |mime-type |mime-encoding k|keep-going l|list L|dereference h|no-dereference n|no-buffer " +
      "N|no-pad 0|print0 p|preserve-date!write P|parameter=text r|raw s|special-files S|no-sandbox!unchecked-option " +
      "C|compile!write d|debug",
  ),
  operands: "paths",
};

export const cut: CommandSpec = {
  options: optionTable(
    `b|bytes=text c|characters=text d|delimiter=text f|fields=text n |complement s|only-delimited |output-delimiter=text z|zero-terminated ${HELP}`,
  ),
  operands: "paths",
};

export const nl: CommandSpec = {
  options: optionTable(
    "b|body-numbering=text d|section-delimiter=text f|footer-numbering=text h|header-numbering=text i|line-increment=text " +
      `l|join-blank-lines=text n|number-format=text p|no-renumber s|number-separator=text v|starting-line-number=text w|number-width=text ${HELP}`,
  ),
  operands: "paths",
};

export const comm: CommandSpec = {
  options: optionTable(`1 2 3 |check-order |nocheck-order |output-delimiter=text |total z|zero-terminated ${HELP}`),
  operands: "paths",
};

export const cmp: CommandSpec = {
  options: optionTable("b|print-bytes |print-chars i|ignore-initial=text l|verbose n|bytes=text s|quiet|silent |help v|version"),
  operands: "paths",
};

/** md5sum, sha256sum and kin share their options. */
export const checksum: CommandSpec = {
  options: optionTable(`b|binary c|check!outside-workspace |tag t|text z|zero |ignore-missing |quiet |status |strict w|warn ${HELP}`),
  operands: "paths",
};

export const sort: CommandSpec = {
  options: optionTable(
    "b|ignore-leading-blanks d|dictionary-order f|ignore-case g|general-numeric-sort i|ignore-nonprinting M|month-sort " +
      "h|human-numeric-sort n|numeric-sort R|random-sort |random-source=path r|reverse |sort=text V|version-sort " +
      "|batch-size=text c |check?=text C |compress-program=text!code-execution |debug |files0-from=path!outside-workspace " +
      "k|key=text m|merge o|output=dest!write s|stable S|buffer-size=text t|field-separator=text " +
      `T|temporary-directory=dest!write |parallel=text u|unique z|zero-terminated ${HELP}`,
  ),
  operands: "paths",
};

export const uniq: CommandSpec = {
  options: optionTable(
    "c|count d|repeated D |all-repeated?=text f|skip-fields=text |group?=text i|ignore-case s|skip-chars=text " +
      `u|unique z|zero-terminated w|check-chars=text ${HELP}`,
    { numericCount: true },
  ),
  operands: "paths",
  maxOperands: { count: 1, risk: "write", why: "uniq INPUT OUTPUT writes OUTPUT" },
};

export const realpath: CommandSpec = {
  options: optionTable(
    `e|canonicalize-existing m|canonicalize-missing L|logical P|physical q|quiet |relative-to=path |relative-base=path s|strip|no-symlinks z|zero ${HELP}`,
  ),
  operands: "paths",
};

export const diff: CommandSpec = {
  options: optionTable(
    "|normal q|brief s|report-identical-files c C=text |context?=text u U=text |unified?=text e|ed f|forward-ed n|rcs " +
      "y|side-by-side W|width=text |left-column |suppress-common-lines p|show-c-function F|show-function-line=text " +
      "L|label=text t|expand-tabs T|initial-tab |tabsize=text |suppress-blank-empty l|paginate!unchecked-option " +
      "r|recursive |no-dereference N|new-file |unidirectional-new-file |ignore-file-name-case |no-ignore-file-name-case " +
      "x|exclude=text X|exclude-from=path S|starting-file=text |from-file=path |to-file=path i|ignore-case " +
      "E|ignore-tab-expansion Z|ignore-trailing-space b|ignore-space-change w|ignore-all-space B|ignore-blank-lines " +
      "I|ignore-matching-lines=text a|text |binary |strip-trailing-cr D|ifdef=text |line-format=text " +
      "|old-line-format=text |new-line-format=text |unchanged-line-format=text |old-group-format=text " +
      "|new-group-format=text |unchanged-group-format=text |changed-group-format=text d|minimal |horizon-lines=text " +
      "H|speed-large-files |inhibit-hunk-merge |color?=text |palette=text |sdiff-merge-assist!unchecked-option |help v|version",
  ),
  operands: "paths",
  filesOnly: true,
};

/** grep, egrep and fgrep: the first operand is the pattern unless -e or -f gave it. */
export const grep: CommandSpec = {
  options: optionTable(
    "G|basic-regexp E|extended-regexp F|fixed-strings|fixed-regexp P|perl-regexp A|after-context=text " +
      "B|before-context=text |binary-files=text b|byte-offset C|context=text |color|colour?=text c|count " +
      "D|devices=text d|directories=text R|dereference-recursive!outside-workspace |exclude=text |exclude-from=path " +
      "|exclude-dir=text f|file=path l|files-with-matches L|files-without-match |group-separator=text |help " +
      "|include=text i|ignore-case y |no-ignore-case T|initial-tab |label=text |line-buffered n|line-number " +
      "x|line-regexp m|max-count=text h|no-filename |no-group-separator s|no-messages Z|null z|null-data " +
      "o|only-matching q|quiet|silent r|recursive e|regexp=text v|invert-match a|text U|binary " +
      "u|unix-byte-offsets V|version H|with-filename w|word-regexp 0 1 2 3 4 5 6 7 8 9",
  ),
  operands: "pattern-then-paths",
  patternOptions: ["regexp", "file"],
  // Recursing, grep skips FIFOs, sockets and devices unless told to read them, and reading a FIFO waits forever.
  check: (parsed) =>
    parsed.options
      .filter(({ def, value }) => def.short === "D" && value?.text !== "skip")
      .map(({ value }) => ({
        risk: "process" as const,
        detail: `grep --devices=${value?.text ?? ""} would read FIFOs and devices found while recursing`,
      })),
};
