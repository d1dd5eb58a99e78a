import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import { auditPageSchema, type AuditEntry } from "@/lib/audit/contract";
import { serverState } from "@/lib/server-state";
import { GET } from "./route";
import { GET as VERIFY } from "./verify/route";

// Who is asking is decided by the sign-in layer, tested on its own; here each test says who it is.
let principal: Principal;
vi.mock("@/lib/auth/principal", () => ({ principalOf: async () => principal }));

const ADMIN: Principal = { id: "u-admin", name: "ada", role: "admin" };
const REVIEWER: Principal = { id: "u-bob", name: "bob", role: "reviewer" };
const REQUESTER: Principal = { id: "u-carl", name: "carl", role: "requester" };

const T0 = Date.UTC(2026, 0, 1);
const HOSTILE = 'say "hi", then\nrun =cmd|calc, +1, -2, @SUM(A1)';

beforeAll(async () => {
  const { audit, started, writes } = serverState();
  await started;
  const appends: Promise<void>[] = [];
  for (let i = 0; i < 2_500; i++) {
    appends.push(
      audit.record({
        type: i % 2 ? "answered" : "asked",
        at: T0 + i * 1000,
        actor: i % 5 === 0 ? REVIEWER.id : "u-other",
        serverName: i % 3 === 0 ? "shell" : "github",
        outcome: i % 2 ? "accepted" : "pending",
        questionId: `q-${i}`,
        details: { i },
      }),
    );
  }
  // The answer route records the person by name.
  appends.push(audit.record({ type: "answered", at: T0 + 9_998_000, actor: REVIEWER.name, serverName: "shell", outcome: "declined" }));
  appends.push(
    audit.record({
      type: "answered",
      at: T0 + 9_999_000,
      actor: "u-hostile",
      serverName: "=evil",
      outcome: 'a "b",\nc',
      details: { note: HOSTILE },
    }),
  );
  await Promise.all(appends);
  await writes.idle();
});

beforeEach(() => {
  principal = ADMIN;
});

async function page(query: string) {
  const response = await GET(new Request(`http://127.0.0.1/api/audit?${query}`));
  expect(response.status).toBe(200);
  return auditPageSchema.parse(await response.json());
}

describe("GET /api/audit", () => {
  it("returns the newest entries first, a page at a time, with a cursor that walks every entry once", async () => {
    const first = await page("limit=500");
    expect(first.entries).toHaveLength(500);
    expect(first.entries[0]?.seq).toBe(2_502);
    const seen: number[] = [];
    let cursor: number | null = null;
    do {
      const next: Awaited<ReturnType<typeof page>> = await page(`limit=500${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...next.entries.map((e) => e.seq));
      cursor = next.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(Array.from({ length: 2_502 }, (_, i) => 2_502 - i));
  });

  it("filters by server, outcome, actor, type and time range together", async () => {
    const from = new Date(T0 + 100_000).toISOString();
    const { entries } = await page(`server=shell&outcome=accepted&type=answered&actor=u-other&from=${from}&to=${T0 + 200_000}&limit=500`);
    const expected = Array.from({ length: 101 }, (_, k) => 100 + k).filter((i) => i % 3 === 0 && i % 2 === 1 && i % 5 !== 0);
    expect(entries.map((e) => e.questionId)).toEqual(expected.reverse().map((i) => `q-${i}`));
  });

  it("refuses a malformed query with 400 naming the field", async () => {
    for (const [query, field] of [
      ["limit=0", "limit"],
      ["limit=100000", "limit"],
      ["from=yesterday", "from"],
      ["type=deleted", "type"],
      ["cursor=-4", "cursor"],
      ["format=xlsx", "format"],
    ]) {
      const response = await GET(new Request(`http://127.0.0.1/api/audit?${query}`));
      expect(response.status, query).toBe(400);
      expect((await response.json()).error.message).toContain(field);
    }
  });
});

describe("export", () => {
  it("streams every matching entry as CSV, escaped, as an attachment", async () => {
    const response = await GET(new Request("http://127.0.0.1/api/audit?format=csv"));
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-.*\.csv"$/);
    const text = await response.text();
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("seq,at,type,questionId,conversationId,actor,serverName,toolName,outcome,details,prevHash,hash");
    // 2,502 entries (more than two batches of 1,000), each on a line of its own after the header.
    expect(text.match(/\r\n\d+,/g)).toHaveLength(2_502);
    expect(lines[1]).toMatch(/^1,1767225600000,asked,q-0,,u-bob,shell,,pending,"{""i"":0}",0{64},[0-9a-f]{64}$/);
    // A formula-looking cell is defused; the note's quotes, comma and line break stay inside one quoted cell.
    expect(text).toContain(`,u-hostile,'=evil,,"a ""b"",\nc","{""note"":""say \\""hi\\"", then\\nrun =cmd|calc, +1, -2, @SUM(A1)""}",`);
  });

  it("streams JSON Lines that read back as the entries", async () => {
    const response = await GET(new Request("http://127.0.0.1/api/audit?format=jsonl&server=%3Devil"));
    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const entries = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as AuditEntry);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.details).toEqual({ note: HOSTILE });
  });
});

describe("who may read it", () => {
  it("shows a reviewer only their own decisions, whatever actor they ask for", async () => {
    principal = REVIEWER;
    const own = await page("limit=500");
    expect(own.entries.length).toBeGreaterThan(0);
    expect(new Set(own.entries.map((e) => e.actor))).toEqual(new Set([REVIEWER.id, REVIEWER.name]));
    expect((await page("actor=u-other")).entries).toEqual([]);
    const csv = await (await GET(new Request("http://127.0.0.1/api/audit?format=csv&actor=u-other"))).text();
    expect(csv.trim().split("\r\n")).toHaveLength(1);
    const all = await (await GET(new Request("http://127.0.0.1/api/audit?format=jsonl"))).text();
    expect(all).not.toContain("u-other");
  });

  it("refuses a requester with 403, for pages, exports and verification", async () => {
    principal = REQUESTER;
    for (const query of ["", "format=csv", "format=jsonl"]) {
      const response = await GET(new Request(`http://127.0.0.1/api/audit?${query}`));
      expect(response.status).toBe(403);
    }
    expect((await VERIFY(new Request("http://127.0.0.1/api/audit/verify"))).status).toBe(403);
  });

  it("lets only an admin verify the chain", async () => {
    principal = REVIEWER;
    expect((await VERIFY(new Request("http://127.0.0.1/api/audit/verify"))).status).toBe(403);
    principal = ADMIN;
    const response = await VERIFY(new Request("http://127.0.0.1/api/audit/verify"));
    expect(await response.json()).toMatchObject({ ok: true, entries: 2_502 });
  });
});
