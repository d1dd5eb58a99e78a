import { execFileSync } from "node:child_process";
import { createServer } from "node:net";

/** A free loopback port (the OS picks one; it is free again the moment this returns). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * The path of a service binary (redis-server, postgres, nginx), or undefined. In CI a missing one is an error
 * (.ci/run installs it); on a developer machine the tests that need it skip, with a line saying what to install.
 * `versionArgs` is how the binary is asked to answer without starting (nginx knows `-v`, not `--version`).
 */
export function serviceBinary(name: string, candidates: string[], debianPackage: string, versionArgs = ["--version"]): string | undefined {
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, versionArgs, { stdio: "ignore" });
      return candidate;
    } catch {
      // Not this one.
    }
  }
  const message = `${name} is not installed: tests that need it ${process.env.CI ? "cannot run" : "are skipped"} (apt-get install ${debianPackage})`;
  if (process.env.CI) throw new Error(message);
  console.warn(`[skip] ${message}`);
  return undefined;
}
