import path from "node:path";
import type { Page } from "@playwright/test";

const DOCS = path.resolve(import.meta.dirname, "../docs");

/** Writes one of the README's screenshots into docs/, only when asked: `SCREENSHOTS=1 npm run test:e2e`. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== "1") return;
  await page.screenshot({ path: path.join(DOCS, name), animations: "disabled" });
}
