/**
 * The routing file (ROUTING_FILE, e.g. routing.json): which questions go to whom. Checked with zod; a problem is
 * reported with the field that has it ("rules[0].approvals: ..."), so a bad file says where to look.
 */
import "server-only";
import { z } from "zod";

/** "10m", "30s", "1h", "500ms" → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(text);
  if (!match) return undefined;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as "ms" | "s" | "m" | "h"];
  const ms = Math.round(Number(match[1]) * unit);
  return ms > 0 ? ms : undefined;
}

const name = z.string().trim().min(1, { error: "expected a non-empty name" });
const names = z.array(name).min(1, { error: "expected at least one user or group" });
/** A match field takes one value or a list of them (any of). */
const oneOrMany = z.union([name, names]).transform((value) => (Array.isArray(value) ? value : [value]));

const durationSchema = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `expected a duration such as "30s", "10m" or "1h", got "${text}"` });
    return z.NEVER;
  }
  return ms;
});

const matchSchema = z.strictObject({
  /** The MCP server's configured name. */
  server: oneOrMany.optional(),
  /** A tool-call card's tool (the server's own name for it). */
  tool: oneOrMany.optional(),
  /** The risk label, e.g. "deletes files" (what comes before the colon of "deletes files: rm -rf build"). */
  risk: oneOrMany.optional(),
  /** The command starts with this, up to a word boundary: "git push" matches "git push origin", not "git pushx". */
  commandPrefix: oneOrMany.optional(),
  /** Who asked: user ids or names. */
  requester: oneOrMany.optional(),
  /** The expertise a question asked through /api/mcp needs, e.g. "security" (any case). */
  specialty: oneOrMany.optional(),
});

const ruleSchema = z.strictObject({
  /** For logs and people; optional. */
  name: z.string().optional(),
  /** Every field given must hold; none given matches every question. */
  match: matchSchema.default({}),
  routeTo: names,
  approvals: z.number().int().min(1).max(5).default(1),
  requesterMayAnswer: z.boolean().default(true),
  deadline: z.strictObject({ after: durationSchema, escalateTo: names }).optional(),
});

export const routingFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    /** Named lists of users: `"ops": ["bob", "carol"]`. */
    groups: z.record(name, z.array(name)).default({}),
    /** Tried in order: the first that matches routes the question. */
    rules: z.array(ruleSchema).default([]),
  })
  .superRefine((file, ctx) => {
    file.rules.forEach((rule, index) => {
      // A rule nobody can satisfy would leave every matching question to expire: refuse it now.
      const people = expandNames([...rule.routeTo, ...(rule.deadline?.escalateTo ?? [])], file.groups);
      if (people.size < rule.approvals) {
        ctx.addIssue({
          code: "custom",
          path: ["rules", index, "approvals"],
          message: `${rule.approvals} different approvers are needed but routeTo and escalateTo name only ${people.size}`,
        });
      }
    });
  });

export type RoutingFile = z.infer<typeof routingFileSchema>;
export type RoutingRule = RoutingFile["rules"][number];
export type Groups = RoutingFile["groups"];

/** No file: nothing is routed, the requester answers (as before there was routing). */
export const NO_ROUTING: RoutingFile = { groups: {}, rules: [] };

export class RoutingFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RoutingFileError";
  }
}

/** "rules[0].deadline.after" */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    "",
  );
}

/** Parses a routing file's text; throws a RoutingFileError naming the file and the field. */
export function parseRoutingFile(text: string, fileName: string): RoutingFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RoutingFileError(`${fileName}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = routingFileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${fieldOf(issue.path) || "(root)"}: ${issue.message}`);
  throw new RoutingFileError(`${fileName}: ${problems.join("; ")}`);
}

/** The users these names mean: a group's members, anything else a user. A group's name wins over a user's. */
export function expandNames(entries: readonly string[], groups: Groups): Set<string> {
  const users = new Set<string>();
  for (const entry of entries) {
    const members = Object.hasOwn(groups, entry) ? groups[entry] : undefined;
    for (const user of members ?? [entry]) users.add(user);
  }
  return users;
}
