import "server-only";
import { appConfig } from "@/lib/config";
import { sharedDatabase } from "@/lib/db/open-database";
import { createAuth } from "./auth";
import { authenticate, type Identity } from "./authenticate";
import { singleUserCheck } from "./sign-in-mode";
import { Users } from "./users";

/** What proxy.ts learns about a request: nobody needs to sign in, this person, or nobody proven. */
export type GateVerdict = { mode: "single-user" } | { mode: "signed-in"; identity: Identity } | { mode: "unauthenticated" };

type Gate = (headers: Headers) => Promise<GateVerdict>;

let gate: Gate | undefined;

/**
 * The check proxy.ts runs before every page and API request. The proxy must not rely on the routes' ServerState
 * (it may run apart from them), so it has its own better-auth instance (the same secret, so the same sessions) over
 * the process's one connection to the database (sharedDatabase: a second one would stall the first). The routes'
 * ServerState creates the tables.
 */
export function requestGate(): Gate {
  if (gate) return gate;
  const config = appConfig();
  const database = sharedDatabase(config.databaseUrl, { poolMax: config.databasePoolMax });
  const auth = createAuth(database);
  const users = new Users(auth);
  const singleUser = singleUserCheck(() => users.count());
  gate = async (headers) => {
    await database.ready;
    if (await singleUser()) return { mode: "single-user" };
    const identity = await authenticate(auth, headers);
    return identity ? { mode: "signed-in", identity } : { mode: "unauthenticated" };
  };
  return gate;
}
