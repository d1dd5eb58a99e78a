/**
 * `npm run users -- <command>`: the people who may use the app, in the database DATABASE_URL names (as the app).
 *   add <name> --role requester|reviewer|admin   creates a user and prints a one-time password
 *   token <name> [--days N]                      prints a new API key (Authorization: Bearer <key>)
 *   list                                         names, roles, since when
 *   remove <name>                                removes the user, their sessions and keys
 *   reset-password <name>                        prints a new one-time password; their sessions end
 * Runs with the react-server condition (see package.json), so the server modules' `server-only` guard holds.
 */
import { parseArgs } from "node:util";
import { createAuth, migrateAuth } from "@/lib/auth/auth";
import { roleSchema, ROLES } from "@/lib/auth/roles";
import { UserError, Users } from "@/lib/auth/users";
import { appConfig } from "@/lib/config";
import { openDatabase } from "@/lib/db/open-database";

const USAGE = `Usage: npm run users -- add <name> --role ${ROLES.join("|")} | token <name> [--days N] | list | remove <name> | reset-password <name>`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: "string" }, days: { type: "string" } },
  });
  const [command, name] = positionals;
  if (!command || (command !== "list" && !name)) return usage();

  const database = openDatabase(appConfig().databaseUrl);
  try {
    await database.ready;
    const auth = createAuth(database);
    await migrateAuth(auth);
    const users = new Users(auth);
    switch (command) {
      case "add": {
        const role = roleSchema.safeParse(values.role);
        if (!role.success) return usage(`--role must be one of ${ROLES.join(", ")}.`);
        const { user, password } = await users.add(name!, role.data);
        console.log(`Added ${user.name} (${user.role}). One-time password, shown only now:\n${password}`);
        return 0;
      }
      case "token": {
        const days = values.days === undefined ? undefined : Number(values.days);
        if (days !== undefined && !(Number.isInteger(days) && days > 0)) return usage("--days must be a positive whole number.");
        console.log(await users.token(name!, { expiresInDays: days }));
        return 0;
      }
      case "list":
        for (const user of await users.list()) console.log(`${user.name}\t${user.role}\tsince ${user.createdAt.toISOString()}`);
        return 0;
      case "remove":
        await users.remove(name!);
        console.log(`Removed ${name}: their sessions and API keys no longer work.`);
        return 0;
      case "reset-password":
        console.log(`New one-time password for ${name}, shown only now:\n${await users.resetPassword(name!)}`);
        return 0;
      default:
        return usage(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await database.close();
  }
}

function usage(problem?: string): number {
  if (problem) console.error(problem);
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
