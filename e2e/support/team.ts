import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { BrowserContext } from "@playwright/test";
import { freshDatabaseUrl, startAppInstance } from "./app-instance";

/**
 * A second app instance with a team in a fresh database, made with the users CLI as an operator would:
 * alice (requester), bob and carol (reviewers), dana (admin). Each has a password (to sign in a browser context)
 * and an API key (for `bearerFetch`).
 */
export const TEAM = { alice: "requester", bob: "reviewer", carol: "reviewer", dana: "admin" } as const;
export type TeamMember = keyof typeof TEAM;

export interface Credentials {
  password: string;
  apiKey: string;
}

export interface TeamServer {
  baseURL: string;
  databaseUrl: string;
  users: Record<TeamMember, Credentials>;
  /** Signs `name` in within `context` (its cookies then carry the session for pages and API calls). */
  signIn(context: BrowserContext, name: TeamMember): Promise<void>;
  /** A crash and a restart: SIGKILL, then the same build on the same port and database. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const run = promisify(execFile);

/** `npm run users -- <args>` against `databaseUrl`, with the same command line the npm script uses (minus npm). */
export async function usersCli(databaseUrl: string, args: string[]): Promise<string> {
  const node = path.join(ROOT, "node_modules/.bin/node");
  const { stdout } = await run(node, ["--conditions=react-server", "--import", "tsx", "scripts/users.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return stdout;
}

/** The one-time password `add` and `reset-password` print on their last line. */
export function passwordFrom(output: string): string {
  return output.trim().split("\n").at(-1)!.trim();
}

export async function startTeamServer(options: { env?: Record<string, string> } = {}): Promise<TeamServer> {
  const databaseUrl = freshDatabaseUrl();
  const users = {} as Record<TeamMember, Credentials>;
  for (const [name, role] of Object.entries(TEAM) as [TeamMember, string][]) {
    const password = passwordFrom(await usersCli(databaseUrl, ["add", name, "--role", role]));
    const apiKey = (await usersCli(databaseUrl, ["token", name])).trim();
    users[name] = { password, apiKey };
  }
  // Tests sign in more often than a person would: the per-minute sign-in limit would get in their way.
  const env = { SIGN_IN_ATTEMPTS_PER_MINUTE: "1000", ...options.env };
  let instance = await startAppInstance({ databaseUrl, env });
  const { baseURL, port } = instance;
  return {
    baseURL,
    databaseUrl,
    users,
    signIn: async (context, name) => {
      const response = await context.request.post(`${baseURL}/api/auth/sign-in/username`, {
        headers: { origin: baseURL },
        data: { username: name, password: users[name].password },
      });
      if (!response.ok()) throw new Error(`Signing in ${name} failed: ${response.status()} ${await response.text()}`);
    },
    restart: async () => {
      await instance.kill();
      instance = await startAppInstance({ databaseUrl, env, port });
    },
    stop: () => instance.stop(),
  };
}

/** fetch() with `Authorization: Bearer <apiKey>`, for API tests without a browser. */
export function bearerFetch(baseURL: string, apiKey: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${apiKey}`);
  return fetch(new URL(path, baseURL), { ...init, headers });
}
