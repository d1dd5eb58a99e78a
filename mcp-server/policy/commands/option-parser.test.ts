import { describe, expect, it } from "vitest";
import { parseOptions, type ParsedArgs } from "./option-parser.ts";
import { optionName, optionTable } from "./option-table.ts";

const table = optionTable("a|all n|lines=text f|file=path o|output=dest!write |color?=text q|quiet|silent |quota v", {
  numericCount: true,
});
const words = (...texts: string[]) => texts.map((text) => ({ text, fromGlob: false }));
/** Options as `name=value`, operands as themselves, issues as `risk: detail`. */
const summary = (parsed: ParsedArgs) => ({
  options: parsed.options.map(({ def, value }) => (value ? `${optionName(def)}=${value.text}` : optionName(def))),
  operands: parsed.operands.map((operand) => operand.text),
  issues: parsed.issues.map((issue) => `${issue.risk}: ${issue.detail}`),
});
const parse = (...texts: string[]) => summary(parseOptions(table, words(...texts)));

describe("parseOptions reads words as GNU getopt_long does", () => {
  it("takes values attached, separate and after =", () => {
    expect(parse("-nx", "-n", "y", "--lines=z", "--lines", "w").options).toEqual(["--lines=x", "--lines=y", "--lines=z", "--lines=w"]);
  });

  it("takes a separate value even when it looks like an option", () => {
    expect(parse("-n", "-a")).toMatchObject({ options: ["--lines=-a"], operands: [] });
  });

  it("splits clusters, and the first option taking a value takes the rest", () => {
    expect(parse("-afx").options).toEqual(["--all", "--file=x"]);
    expect(parse("-ao", "copy.txt")).toMatchObject({ options: ["--all", "--output=copy.txt"], issues: ["write: -o (in -ao)"] });
  });

  it("keeps reading options after operands, until --", () => {
    expect(parse("x", "-a", "--", "-n", "-")).toMatchObject({ options: ["--all"], operands: ["x", "-n", "-"] });
  });

  it("treats a lone - as an operand and -5 as a count", () => {
    expect(parse("-", "-5")).toMatchObject({ options: [], operands: ["-"], issues: [] });
  });

  it("takes an optional value only when attached", () => {
    expect(parse("--color", "auto")).toMatchObject({ options: ["--color"], operands: ["auto"] });
    expect(parse("--color=auto").options).toEqual(["--color=auto"]);
  });

  it("resolves a prefix naming one option, or names of one option", () => {
    expect(parse("--li=3", "--out", "x", "--sil", "--qui").options).toEqual(["--lines=3", "--output=x", "--quiet", "--quiet"]);
    expect(parse("--out=x").issues).toEqual(["write: --out=x means --output"]);
  });

  it("asks about an ambiguous prefix, an unknown option and a value given to a flag", () => {
    expect(parse("--qu").issues).toEqual(["unchecked-option: --qu is ambiguous: --quiet, --quota"]);
    expect(parse("--frob", "-z", "--all=1").issues).toEqual([
      "unchecked-option: --frob is not on the allow-list",
      "unchecked-option: -z: -z is not on the allow-list",
      "unchecked-option: --all=1: --all takes no value",
    ]);
  });

  it("matches only full names when the tool does not abbreviate", () => {
    const exact = optionTable("|oneline |output=dest!write", { abbreviations: false });
    expect(summary(parseOptions(exact, words("--outp=x", "--oneline"))).issues).toEqual([
      "unchecked-option: --outp is not on the allow-list",
    ]);
  });

  it("reads on past an unknown short option so a worse one still shows", () => {
    expect(parse("-zo", "x").issues).toEqual(["unchecked-option: -zo: -z is not on the allow-list", "write: -o (in -zo)"]);
  });
});

describe("optionTable", () => {
  it.each(["x|", "|Bad", "a=int", "a!wat", "ab"])("rejects the token %j", (token) => {
    expect(() => optionTable(token)).toThrow();
  });

  it("rejects an option declared twice", () => {
    expect(() => optionTable("a|all |all")).toThrow(/declared twice/);
  });
});
