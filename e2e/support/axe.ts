import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** WCAG 2.0 A and AA, and 2.1 AA: what the app promises. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const BLOCKING = new Set(["serious", "critical"]);

/**
 * Runs axe-core on the page as it is now and fails listing every serious or critical violation with the elements
 * it found (rule, impact, selector, and axe's summary of what to fix). Animations end first: a card fading in has
 * a lower contrast for 180 ms than it keeps (endless ones, a spinner's, are not waited for).
 */
export async function expectNoSeriousViolations(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((animation) => animation.playState !== "running" || animation.effect?.getTiming().iterations === Infinity),
  );
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const serious = results.violations.filter((violation) => BLOCKING.has(violation.impact ?? ""));
  const report = serious.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} (${violation.impact}) at ${node.target.join(" ")}: ${node.failureSummary?.replaceAll("\n", " ") ?? violation.help}`,
    ),
  );
  expect(report, `axe-core: serious or critical violations on ${page.url()}`).toEqual([]);
}
