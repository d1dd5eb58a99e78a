import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestStorage, SQL_STORAGE_KINDS, type TestStorage } from "@/testing/test-storage";
import { createAuth, migrateAuth, type Auth } from "./auth";
import { authenticate } from "./authenticate";
import { isLoopbackHost, singleUserCheck, USER_COUNT_TTL_MS } from "./sign-in-mode";
import { startUpRefusal } from "./start-up";
import { UserError, Users } from "./users";

describe.each(SQL_STORAGE_KINDS)("auth (%s)", (kind) => {
  let storage: TestStorage;
  let auth: Auth;
  let users: Users;

  beforeEach(async () => {
    storage = await createTestStorage(kind);
    // Postgres has no file beside it to keep a generated secret in: the secret is given, as in production.
    auth = createAuth(storage.database, kind === "postgres" ? { BETTER_AUTH_SECRET: "test-secret-for-postgres-0123456789" } : {});
    await migrateAuth(auth);
    users = new Users(auth);
  });
  afterEach(() => storage.close());

  const bearer = (key: string) => new Headers({ authorization: `Bearer ${key}` });

  async function signIn(name: string, password: string): Promise<Response> {
    return auth.handler(
      new Request("http://127.0.0.1/api/auth/sign-in/username", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://127.0.0.1" },
        body: JSON.stringify({ username: name, password }),
      }),
    );
  }

  function sessionCookie(response: Response): string {
    return response.headers
      .getSetCookie()
      .map((cookie) => cookie.split(";")[0]!)
      .join("; ");
  }

  it("keeps sign-in attempt counts in the database on Postgres (one limit for every instance), in memory alone", async () => {
    const table = storage.database.db
      .selectFrom("rateLimit" as never)
      .selectAll()
      .execute();
    if (kind === "postgres") await expect(table).resolves.toEqual([]);
    else await expect(table).rejects.toThrow(/rateLimit/);
  });

  describe("single-user mode", () => {
    it("holds on loopback with no users, and ends once the CLI adds one (within the cache time)", async () => {
      let now = 0;
      const check = singleUserCheck(
        () => users.count(),
        () => now,
      );
      expect(await check("127.0.0.1")).toBe(true);
      await users.add("alice", "requester");
      expect(await check("127.0.0.1")).toBe(true); // still cached
      now += USER_COUNT_TTL_MS;
      expect(await check("127.0.0.1")).toBe(false);
    });

    it("never holds beyond loopback, users or not", async () => {
      const check = singleUserCheck(() => users.count());
      expect(await check("0.0.0.0")).toBe(false);
      expect(await check("192.168.1.20")).toBe(false);
    });

    it.each([
      [undefined, true],
      ["127.0.0.1", true],
      ["127.1.2.3", true],
      ["localhost", true],
      ["::1", true],
      ["[::1]", true],
      ["0.0.0.0", false],
      ["::", false],
      ["10.0.0.5", false],
      ["example.com", false],
      ["127.0.0.1.example.com", false],
    ])("HOST=%s is loopback: %s", (host, loopback) => {
      expect(isLoopbackHost(host)).toBe(loopback);
    });
  });

  describe("bearer API keys", () => {
    it("authenticate as their user, with the user's role", async () => {
      const { user } = await users.add("bob", "reviewer");
      const key = await users.token("bob");
      expect(await authenticate(auth, bearer(key))).toEqual({
        id: user.id,
        name: "bob",
        role: "reviewer",
        apiKey: { id: expect.any(String), name: "cli" },
      });
    });

    it("a wrong, malformed or empty key is nobody, and a cookie does not rescue a bad key", async () => {
      await users.add("bob", "reviewer");
      const key = await users.token("bob");
      expect(await authenticate(auth, bearer(`${key}x`))).toBeUndefined();
      expect(await authenticate(auth, bearer("ec_nothing"))).toBeUndefined();
      expect(await authenticate(auth, new Headers({ authorization: "Bearer" }))).toBeUndefined();
      expect(await authenticate(auth, new Headers({ authorization: `Basic ${key}` }))).toBeUndefined();
      await users.add("carol", "reviewer");
      const { password } = await users.add("dana", "admin");
      const cookie = sessionCookie(await signIn("dana", password));
      expect(await authenticate(auth, new Headers({ authorization: "Bearer ec_nothing", cookie }))).toBeUndefined();
    });

    it("an expired key stops working", async () => {
      await users.add("bob", "reviewer");
      const key = await users.token("bob", { expiresInDays: 1 });
      expect(await authenticate(auth, bearer(key))).toBeDefined();
      // A day later: the stored expiry is in the past.
      await storage.database.db
        .updateTable("apikey" as never)
        .set({ expiresAt: new Date(Date.now() - 1_000).toISOString() } as never)
        .execute();
      expect(await authenticate(auth, bearer(key))).toBeUndefined();
    });

    it("a removed user's key and sessions stop working", async () => {
      const { password } = await users.add("bob", "reviewer");
      const key = await users.token("bob");
      const cookie = sessionCookie(await signIn("bob", password));
      expect(await authenticate(auth, new Headers({ cookie }))).toMatchObject({ name: "bob" });
      await users.remove("bob");
      expect(await authenticate(auth, bearer(key))).toBeUndefined();
      expect(await authenticate(auth, new Headers({ cookie }))).toBeUndefined();
    });
  });

  describe("sessions", () => {
    it("a right password gives an httpOnly, SameSite=Lax session cookie; a wrong one gives none", async () => {
      const { password } = await users.add("alice", "requester");
      const wrong = await signIn("alice", "wrong password!");
      expect(wrong.status).toBe(401);
      expect(wrong.headers.getSetCookie()).toEqual([]);
      const right = await signIn("alice", password);
      expect(right.status).toBe(200);
      const [cookie] = right.headers.getSetCookie().filter((line) => line.includes("session_token"));
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(await authenticate(auth, new Headers({ cookie: sessionCookie(right) }))).toMatchObject({ name: "alice", role: "requester" });
    });

    it("a forged or tampered session cookie is nobody", async () => {
      const { password } = await users.add("alice", "requester");
      const cookie = sessionCookie(await signIn("alice", password));
      expect(await authenticate(auth, new Headers({ cookie: "better-auth.session_token=forged.signature" }))).toBeUndefined();
      expect(await authenticate(auth, new Headers({ cookie: cookie.replace(/=(.)/, "=x$1") }))).toBeUndefined();
      expect(await authenticate(auth, new Headers())).toBeUndefined();
    });

    it("a reset password ends the user's sessions and the old password", async () => {
      const { password } = await users.add("alice", "requester");
      const cookie = sessionCookie(await signIn("alice", password));
      const fresh = await users.resetPassword("alice");
      expect(await authenticate(auth, new Headers({ cookie }))).toBeUndefined();
      expect((await signIn("alice", password)).status).toBe(401);
      expect((await signIn("alice", fresh)).status).toBe(200);
    });

    it("sign-out works from the app's own page, and is refused from another origin", async () => {
      const { password } = await users.add("alice", "requester");
      const cookie = sessionCookie(await signIn("alice", password));
      const signOut = (origin: string) =>
        auth.handler(
          new Request("http://127.0.0.1:3000/api/auth/sign-out", {
            method: "POST",
            headers: { "content-type": "application/json", host: "127.0.0.1:3000", origin, cookie },
            body: "{}",
          }),
        );
      expect((await signOut("http://evil.example")).status).toBe(403);
      expect((await signOut("http://127.0.0.1:4000")).status).toBe(403);
      expect(await authenticate(auth, new Headers({ cookie }))).toBeDefined();
      expect((await signOut("http://127.0.0.1:3000")).status).toBe(200);
      expect(await authenticate(auth, new Headers({ cookie }))).toBeUndefined();
    });

    it("nobody signs up over HTTP", async () => {
      const response = await auth.handler(
        new Request("http://127.0.0.1/api/auth/sign-up/email", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "http://127.0.0.1" },
          body: JSON.stringify({ email: "eve@example.com", password: "a long password!", name: "eve", username: "eve" }),
        }),
      );
      expect(response.ok).toBe(false);
      expect(await users.count()).toBe(0);
    });
  });

  describe("users", () => {
    it("refuses duplicate, reserved and unusable names", async () => {
      await users.add("alice", "requester");
      await expect(users.add("Alice", "admin")).rejects.toThrow(UserError);
      await expect(users.add("local", "admin")).rejects.toThrow(/reserved/);
      await expect(users.add("a b", "admin")).rejects.toThrow(/not a usable name/);
      await expect(users.token("nobody")).rejects.toThrow(/No user named nobody/);
      expect((await users.list()).map((user) => [user.name, user.role])).toEqual([["alice", "requester"]]);
    });
  });

  describe("start-up refusal", () => {
    it("beyond loopback without an admin: refuses, saying how to add one; with one, or on loopback, starts", async () => {
      expect(await startUpRefusal(auth, "127.0.0.1")).toBeUndefined();
      await users.add("alice", "requester");
      expect(await startUpRefusal(auth, "0.0.0.0")).toMatch(/not starting: add an admin with `npm run users -- add <name> --role admin`/);
      await users.add("dana", "admin");
      expect(await startUpRefusal(auth, "0.0.0.0")).toBeUndefined();
    });
  });
});
