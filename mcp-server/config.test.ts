import { describe, expect, it } from "vitest";
import { commandPath } from "./config.ts";

describe("commandPath", () => {
  it.each([
    [".:/usr/bin", "/usr/bin"],
    ["node_modules/.bin:/usr/local/bin:/usr/bin", "/usr/local/bin:/usr/bin"],
    ["/srv/ws/bin:/usr/bin:/srv/ws", "/usr/bin"],
    ["::/bin", "/bin"],
    ["/usr/bin:/usr/bin", "/usr/bin"],
    ["/srv/ws-other/bin:/usr/bin", "/srv/ws-other/bin:/usr/bin"],
    ["relative", "/usr/bin:/bin"],
  ])("keeps only absolute entries outside the workspace in %j", (given, expected) => {
    expect(commandPath(given, "/srv/ws")).toBe(expected);
  });
});
