// Prints one closing line for the whole suite (unit + e2e), read from the JSON reports both runners write.
import { existsSync, readFileSync } from "node:fs";

const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined);
const unit = read("reports/unit.json");
const e2e = read("reports/e2e.json");

const passed = (unit?.numPassedTests ?? 0) + (e2e?.stats?.expected ?? 0) + (e2e?.stats?.flaky ?? 0);
const failed = (unit?.numFailedTests ?? 0) + (e2e?.stats?.unexpected ?? 0);
const skipped = (unit?.numPendingTests ?? 0) + (unit?.numTodoTests ?? 0) + (e2e?.stats?.skipped ?? 0);
if (!unit || !e2e) console.log(`missing report: ${!unit ? "reports/unit.json " : ""}${!e2e ? "reports/e2e.json" : ""}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || !unit || !e2e ? 1 : 0);
