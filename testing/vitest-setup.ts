/**
 * Every test file gets a database of its own in a temporary folder, whatever DATABASE_URL the developer's shell
 * has: tests never touch ./data or each other's state. The folder goes when the worker exits.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const folder = mkdtempSync(path.join(os.tmpdir(), "elicit-chat-test-db-"));
process.env.DATABASE_URL = path.join(folder, "test.db");
process.once("exit", () => rmSync(folder, { recursive: true, force: true }));
