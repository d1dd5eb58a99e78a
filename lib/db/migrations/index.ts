import "server-only";
import type { Migration, MigrationProvider } from "kysely/migration";
import { initial } from "./001-initial";
import { auditIndexes } from "./002-audit-indexes";
import { resumableCalls } from "./003-resumable-calls";
import { questionOwner } from "./004-question-owner";
import { humanRequests } from "./005-human-requests";
import { humanReviews } from "./006-human-reviews";

/**
 * Every migration, in order, by name. Listed here rather than read from the folder at run time: the Next.js build
 * bundles the server, and a bundle has no folder to read. Add a file and a line; never edit a released one.
 */
const MIGRATIONS: Record<string, Migration> = {
  "001-initial": initial,
  "002-audit-indexes": auditIndexes,
  "003-resumable-calls": resumableCalls,
  "004-question-owner": questionOwner,
  "005-human-requests": humanRequests,
  "006-human-reviews": humanReviews,
};

export const migrationProvider: MigrationProvider = { getMigrations: async () => MIGRATIONS };
