/**
 * Words that name Object.prototype's members (`__proto__`, `constructor`, `toString`...) in every place the
 * classifier looks a word up: command names, git subcommands, options, find primaries and starting points, sed
 * commands, policy rules. A plain-object table answers them with a built-in instead of "unknown"; each must ask
 * for a reason the classifier chose (never `unparsable`, which is what an exception turns into).
 */
import { afterAll, describe, expect, it } from "vitest";
import { classifyCommand } from "./classifier.ts";
import { createPolicyWorkspace } from "../testing/policy-fixture.ts";
import { parseRule, type PolicyRules, type PrefixRule } from "./prefix-rules.ts";
import type { Risk } from "./risks.ts";

const fixture = createPolicyWorkspace();
afterAll(() => fixture.remove());
const workspaceDir = fixture.workspace;

const NAMES = [
  ...new Set([
    "__proto__",
    "prototype",
    ...Object.getOwnPropertyNames(Object.prototype),
    ...Object.getOwnPropertyNames(Function.prototype),
  ]),
]
  // Function.prototype's `length`, `name`, `arguments`, `caller`, `apply`, `call`, `bind` come along too.
  .filter((name) => /^[A-Za-z_]\w*$/.test(name));

/** Each place a word is looked up, and the risk the question must then name. */
const FORMS: ReadonlyArray<readonly [string, (name: string) => string, Risk]> = [
  ["command name", (name) => name, "unknown-command"],
  ["command name with an argument", (name) => `${name} notes.txt`, "unknown-command"],
  ["command name after a pipe", (name) => `ls | ${name}`, "unknown-command"],
  ["git subcommand", (name) => `git ${name}`, "write"],
  ["git subcommand with a path out", (name) => `git ${name} /etc/passwd`, "outside-workspace"],
  ["git global option", (name) => `git --${name} log`, "code-execution"],
  ["git log option", (name) => `git log --${name}`, "unchecked-option"],
  ["long option", (name) => `sort --${name} names.txt`, "unchecked-option"],
  ["long option with a value", (name) => `cat --${name}=x notes.txt`, "unchecked-option"],
  ["find primary", (name) => `find . -name x -${name}`, "unchecked-option"],
  ["find word in the expression", (name) => `find . -name x ${name} -exec sh -c id ;`, "code-execution"],
  ["find starting point after `,`", (name) => `find , ${name} -exec sh -c 'id > PWNED' ;`, "code-execution"],
  ["find starting point after `)`", (name) => `find ')' ${name} -delete`, "delete"],
  ["find -newerXY-like primary", (name) => `find . -newer${name}`, "unchecked-option"],
  ["sed script", (name) => `sed ${name} notes.txt`, "unchecked-option"],
  ["sed -n script", (name) => `sed -n -e ${name} notes.txt`, "unchecked-option"],
];

/** Names that are real in that place: `find -name` is a find primary. */
const REAL: Readonly<Record<string, readonly string[]>> = { "find primary": ["name"] };

describe.each(FORMS)("Object.prototype names as a %s", (place, form, risk) => {
  it.each(NAMES.filter((name) => !REAL[place]?.includes(name)))("%s asks", (name) => {
    expect(classifyCommand(form(name), { workspaceDir })).toMatchObject({ decision: "ask", risk });
  });
});

const rule = (text: string): PrefixRule => {
  const parsed = parseRule(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed.rule;
};

describe("Object.prototype names in policy rules and remembered prefixes", () => {
  it.each(NAMES)("a rule for ls lends nothing to %s", (name) => {
    const rules: PolicyRules = { allow: [rule("ls")], ask: [], deny: [rule("rm")], network: false };
    expect(classifyCommand(`${name} x`, { workspaceDir, rules, rememberedPrefixes: [rule("mkdir")] })).toMatchObject({
      decision: "ask",
      risk: "unknown-command",
    });
  });

  it.each(NAMES)("a remembered prefix %s lends nothing (it is not a rememberable tool)", (name) => {
    expect(classifyCommand(`${name} x`, { workspaceDir, rememberedPrefixes: [rule(name)] })).toMatchObject({
      decision: "ask",
      risk: "unknown-command",
    });
  });

  it.each(NAMES)("a deny rule %s refuses it", (name) => {
    const rules: PolicyRules = { allow: [], ask: [], deny: [rule(name)], network: false };
    expect(classifyCommand(`ls; ${name} x`, { workspaceDir, rules })).toMatchObject({ decision: "deny" });
  });
});
