import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ElicitationRegistry, type OpenElicitation } from "@/lib/elicitation/registry";
import { createTestStorage, SQL_STORAGE_KINDS, type TestStorage } from "@/testing/test-storage";
import { listAuditEntries } from "./audit-query";
import { AuditTrail } from "./audit-trail";
import { entryHash, GENESIS_HASH } from "./hash";
import { verifyChain } from "./verify";

describe.each(SQL_STORAGE_KINDS)("the audit trail (%s)", (kind) => {
  let storage: TestStorage;
  let audit: AuditTrail;
  beforeEach(async () => {
    storage = await createTestStorage(kind);
    audit = new AuditTrail(storage.writes, { log: () => {} });
  });
  afterEach(() => storage.close());

  const db = () => storage.database.db;
  const all = async () => (await listAuditEntries(db(), {}, { all: true }, { limit: 500 })).entries.reverse();

  async function appendSome(count: number): Promise<void> {
    for (let i = 1; i <= count; i++) await audit.record({ type: "routed", actor: "system", questionId: `q-${i}`, details: { i } });
  }

  describe("the hash chain", () => {
    it("links each entry to the one before it, from the genesis value, and verifies", async () => {
      await appendSome(3);
      const entries = await all();
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(entries[0]?.prevHash).toBe(GENESIS_HASH);
      expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
      expect(entries[2]?.prevHash).toBe(entries[1]?.hash);
      expect(await verifyChain(db())).toEqual({ ok: true, entries: 3, lastHash: entries[2]?.hash });
    });

    it("verifies an empty trail", async () => {
      expect(await verifyChain(db())).toEqual({ ok: true, entries: 0, lastHash: GENESIS_HASH });
    });

    it("names the entry whose details were changed with SQL", async () => {
      await appendSome(4);
      await sql`UPDATE audit_entries SET details = '{"i":99}' WHERE seq = 3`.execute(db());
      expect(await verifyChain(db())).toMatchObject({
        ok: false,
        seq: 3,
        entries: 2,
        reason: expect.stringContaining("hash does not match"),
      });
    });

    it("names the entry after one whose content was changed and its hash recomputed", async () => {
      await appendSome(4);
      const row = await db().selectFrom("audit_entries").selectAll().where("seq", "=", 2).executeTakeFirstOrThrow();
      const forged = { ...row, actor: "mallory" };
      await db()
        .updateTable("audit_entries")
        .set({ actor: forged.actor, hash: entryHash(forged) })
        .where("seq", "=", 2)
        .execute();
      expect(await verifyChain(db())).toMatchObject({ ok: false, seq: 3, reason: expect.stringContaining("not the hash of entry 2") });
    });

    it("detects a deleted entry", async () => {
      await appendSome(5);
      await sql`DELETE FROM audit_entries WHERE seq = 3`.execute(db());
      expect(await verifyChain(db())).toMatchObject({ ok: false, seq: 4, reason: "entry 3 is missing before it" });
    });

    it("detects the first entry deleted", async () => {
      await appendSome(2);
      await sql`DELETE FROM audit_entries WHERE seq = 1`.execute(db());
      expect(await verifyChain(db())).toMatchObject({ ok: false, seq: 2 });
    });

    it("detects two entries swapped", async () => {
      await appendSome(4);
      await sql`UPDATE audit_entries SET seq = -2 WHERE seq = 2`.execute(db());
      await sql`UPDATE audit_entries SET seq = 2 WHERE seq = 3`.execute(db());
      await sql`UPDATE audit_entries SET seq = 3 WHERE seq = -2`.execute(db());
      expect(await verifyChain(db())).toMatchObject({ ok: false, seq: 2, reason: expect.stringContaining("not the hash of entry 1") });
    });

    it("keeps one unbroken chain when many append at once", async () => {
      await Promise.all(Array.from({ length: 200 }, (_, i) => audit.record({ type: "notified", actor: "system", details: { i } })));
      expect(await verifyChain(db())).toMatchObject({ ok: true, entries: 200 });
      const seqs = (await all()).map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    });

    it("continues the chain after a write that failed in the same batch", async () => {
      const bad = storage.writes.enqueue(async (trx) => {
        await sql`INSERT INTO no_such_table VALUES (1)`.execute(trx);
      });
      const good = Promise.all([audit.record({ type: "routed", actor: "a" }), audit.record({ type: "routed", actor: "b" })]);
      await expect(bad).rejects.toThrow();
      await good;
      expect(await verifyChain(db())).toMatchObject({ ok: true, entries: 2 });
    });
  });

  describe("redaction", () => {
    it("stores fields a rule names as [redacted], from the start and added later", async () => {
      audit = new AuditTrail(storage.writes, { redactFields: ["Token"], log: () => {} });
      audit.redactFields(["pin"]);
      await audit.record({ type: "routed", actor: "system", details: { token: "s3cret", pin: 1234, rule: "ops" } });
      const [entry] = await all();
      expect(entry?.details).toEqual({ token: "[redacted]", pin: "[redacted]", rule: "ops" });
    });
  });

  function question(overrides: Partial<OpenElicitation> = {}): OpenElicitation {
    return {
      threadId: "conv-1",
      requesterId: "alice",
      serverName: "shell",
      message: "Run `rm -rf build`?",
      requestedSchema: { type: "object", properties: {} },
      command: "rm -rf build",
      risk: "deletes files: rm -rf build",
      timeoutMs: 60_000,
      onChange: () => {},
      ...overrides,
    };
  }

  describe("observing the registry", () => {
    let registry: ElicitationRegistry;
    beforeEach(() => {
      registry = new ElicitationRegistry();
      registry.observe((event) => audit.observe(event));
    });

    it("writes asked (with what was asked) and answered (who, action)", async () => {
      const { data } = registry.open(question());
      registry.answer(data.id, { action: "accept", content: {} }, "bob");
      await storage.writes.idle();
      const [asked, answered] = await all();
      expect(asked).toMatchObject({ type: "asked", actor: "alice", questionId: data.id, conversationId: "conv-1", serverName: "shell" });
      expect(asked?.toolName).toBe("run_command");
      expect(asked?.details).toMatchObject({
        command: "rm -rf build",
        risk: "deletes files: rm -rf build",
        mode: "form",
        message: "Run `rm -rf build`?",
      });
      expect(answered).toMatchObject({ type: "answered", actor: "bob", outcome: "accepted", details: { action: "accept" } });
      expect(await verifyChain(db())).toMatchObject({ ok: true, entries: 2 });
    });

    it("writes a durable question's asked once: shown again after a restart, it is not asked again; its answer is", async () => {
      const { data } = registry.open(question({ durable: {} }));
      await storage.writes.idle();
      // A new process: the same question restored from storage.
      const restarted = new ElicitationRegistry();
      restarted.observe((event) => audit.observe(event));
      const fixed = { id: data.id, createdAt: data.createdAt, expiresAt: data.expiresAt };
      restarted.open(question({ durable: { fixed, restored: true } }));
      restarted.answer(data.id, { action: "accept", content: {} }, "bob");
      await storage.writes.idle();
      const entries = (await all()).map((e) => [e.type, e.questionId]);
      expect(entries).toEqual([
        ["asked", data.id],
        ["answered", data.id],
      ]);
    });

    it("writes expired, by the system, when nobody answers in time", async () => {
      const { settled } = registry.open(question({ timeoutMs: 10 }));
      await settled;
      await storage.writes.idle();
      const types = (await all()).map((e) => [e.type, e.actor, e.outcome]);
      expect(types).toEqual([
        ["asked", "alice", "pending"],
        ["expired", "system", "expired"],
      ]);
    });

    it("writes aborted and rate-limited", async () => {
      registry.limits = { perConversation: 1, total: 10 };
      const controller = new AbortController();
      registry.open(question({ signal: controller.signal }));
      registry.open(question());
      controller.abort();
      await storage.writes.idle();
      expect((await all()).map((e) => e.type)).toEqual(["asked", "asked", "rate-limited", "aborted"]);
    });

    it("redacts form content marked sensitive by its schema, and tool arguments by the tool's schema", async () => {
      const requestedSchema = {
        type: "object" as const,
        properties: {
          password: { type: "string", format: "password" },
          secret: { type: "string", writeOnly: true },
          name: { type: "string" },
        },
      };
      const { data } = registry.open(question({ requestedSchema, command: undefined, serverName: "forms" }));
      audit.observe({
        type: "settled",
        cause: "answered",
        requesterId: "alice",
        by: "alice",
        data: { ...data, status: "accepted" },
        content: { password: "hunter2", secret: "x", name: "Ann" },
      });
      const toolCall = {
        toolName: "login",
        arguments: { user: "ann", apiKey: "k-123" },
        inputSchema: { type: "object", properties: { apiKey: { type: "string", "x-sensitive": true } } },
        reason: "it is not annotated read-only",
        rememberable: true,
      };
      registry.open(question({ serverName: "web", command: undefined, toolCall }));
      await storage.writes.idle();
      const entries = await all();
      const answered = entries.find((e) => e.type === "answered");
      expect(answered?.details.content).toEqual({ password: "[redacted]", secret: "[redacted]", name: "Ann" });
      const askedTool = entries.find((e) => e.type === "asked" && e.serverName === "web");
      expect(askedTool?.toolName).toBe("login");
      expect(askedTool?.details.toolCall).toMatchObject({ arguments: { user: "ann", apiKey: "[redacted]" } });
      expect(JSON.stringify(entries)).not.toMatch(/hunter2|k-123/);
    });

    it("records the form content a person answered with, through the registry, redacted by the schema", async () => {
      const requestedSchema = {
        type: "object" as const,
        properties: { token: { type: "string", format: "password" }, target: { type: "string" } },
      };
      const { data } = registry.open(question({ requestedSchema, command: undefined, serverName: "forms" }));
      registry.answer(data.id, { action: "accept", content: { token: "s3cret-token", target: "staging" } }, "bob");
      await storage.writes.idle();
      const answered = (await all()).find((e) => e.type === "answered");
      expect(answered?.details.content).toEqual({ token: "[redacted]", target: "staging" });
      expect(JSON.stringify(await all())).not.toContain("s3cret-token");
    });

    it("records that a declined tool-call card called nothing", async () => {
      const toolCall = { toolName: "delete", arguments: {}, inputSchema: {}, reason: "destructive", rememberable: false };
      const { data } = registry.open(question({ serverName: "web", command: undefined, toolCall }));
      registry.answer(data.id, { action: "decline" }, "bob");
      await storage.writes.idle();
      expect((await all()).map((e) => [e.type, e.outcome])).toEqual([
        ["asked", "pending"],
        ["answered", "declined"],
        ["not-run", "declined"],
      ]);
    });
  });
});
