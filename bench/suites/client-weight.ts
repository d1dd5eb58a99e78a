/**
 * Figure 5: the chat page's first-load JavaScript, gzipped. "First load" is read from what the production
 * server actually sends: every <script src> in the HTML of `/` (module scripts only; `noModule` polyfills are
 * for old browsers), each file gzipped (level 9, as Next's own build report did) from the build folder.
 * Baseline: the same for the app's 404 page, i.e. the framework runtime plus the root layout.
 */
import { readFileSync } from "node:fs";
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

export async function clientWeight(app: AppServer): Promise<Figure[]> {
  const page = firstLoadScripts(await getHtml(app.baseUrl, "/"));
  const notFound = firstLoadScripts(await getHtml(app.baseUrl, "/bench-no-such-page"));
  if (page.length === 0) throw new Error("the chat page's HTML names no scripts");
  const kb = (bytes: number) => bytes / 1024;
  return [
    figure({
      name: "5 chat page first-load JS (gzip)",
      value: kb(gzippedBytes(page)),
      unit: "KB",
      baseline: kb(gzippedBytes(notFound)),
      max: 300,
      note: `${page.length} scripts; baseline: the 404 page (Next + React runtime and the root layout)`,
    }),
  ];
}
