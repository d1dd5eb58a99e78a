/**
 * Figure 5: the chat page's JavaScript, gzipped (level 9, as Next's own build report did).
 * The chat itself is loaded after first paint (next/dynamic), so the scripts named in the HTML are only the first
 * paint's. What a person waits for is the JS until the composer works: measured in Chromium (every .js response
 * until the message box is there) when /usr/bin/chromium exists; otherwise the HTML's scripts stand in, and the
 * note says so. Baseline: the app's 404 page, i.e. the framework runtime plus the root layout.
 */
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { AppServer } from "../lib/app-server.ts";
import { figure, type Figure } from "../lib/figures.ts";
import { agent } from "../lib/http-client.ts";
import { DIST_DIR, REPO_ROOT } from "../lib/paths.ts";

function getHtml(baseUrl: string, pathname: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(pathname, baseUrl), { agent }, (response) => {
        let html = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (html += chunk));
        response.on("end", () => resolve(html));
      })
      .on("error", reject);
  });
}

/** The /_next/static/…js files a page loads up front. */
export function firstLoadScripts(html: string): string[] {
  const scripts = new Set<string>();
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
    if (/\bnoModule\b/i.test(tag)) continue;
    const src = /\bsrc="([^"]+)"/.exec(tag)?.[1];
    if (src?.startsWith("/_next/static/") && src.endsWith(".js")) scripts.add(src.split("?")[0]!);
  }
  return [...scripts];
}

function gzippedBytes(scripts: readonly string[]): number {
  return scripts.reduce((sum, src) => {
    const file = path.join(REPO_ROOT, DIST_DIR, "static", src.slice("/_next/static/".length));
    return sum + gzipSync(readFileSync(file), { level: 9 }).length;
  }, 0);
}

const CHROMIUM = "/usr/bin/chromium";

/** Gzipped bytes of every script the browser fetched until the chat's message box appeared. */
async function jsUntilUsable(baseUrl: string): Promise<number | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
  try {
    const page = await browser.newPage();
    const sizes = new Map<string, Promise<number>>();
    page.on("response", (response) => {
      if (new URL(response.url()).pathname.endsWith(".js")) {
        sizes.set(
          response.url(),
          response.body().then(
            (body) => gzipSync(body, { level: 9 }).length,
            () => 0,
          ),
        );
      }
    });
    await page.goto(baseUrl);
    await page.getByRole("textbox", { name: "Message" }).waitFor();
    return (await Promise.all(sizes.values())).reduce((sum, bytes) => sum + bytes, 0);
  } finally {
    await browser.close();
  }
}

export async function clientWeight(app: AppServer): Promise<Figure[]> {
  const page = firstLoadScripts(await getHtml(app.baseUrl, "/"));
  const notFound = firstLoadScripts(await getHtml(app.baseUrl, "/bench-no-such-page"));
  if (page.length === 0) throw new Error("the chat page's HTML names no scripts");
  const kb = (bytes: number) => bytes / 1024;
  const firstPaint = gzippedBytes(page);
  const usable = await jsUntilUsable(app.baseUrl);
  return [
    figure({
      name: "5 chat page JS until the chat is usable (gzip)",
      value: kb(usable ?? firstPaint),
      unit: "KB",
      baseline: kb(gzippedBytes(notFound)),
      max: 300,
      note:
        usable === undefined
          ? "no Chromium here: only the scripts named in the HTML (first paint), which leaves out the lazily loaded chat"
          : "every .js Chromium fetched until the message box appeared; baseline: the 404 page (Next + React + layout)",
    }),
    figure({
      name: "5 chat page first-paint JS, scripts in the HTML (gzip)",
      value: kb(firstPaint),
      unit: "KB",
      baseline: kb(gzippedBytes(notFound)),
      note: `${page.length} scripts; the chat loads after first paint`,
    }),
  ];
}
