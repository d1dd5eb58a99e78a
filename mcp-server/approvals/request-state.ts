/**
 * Pending approvals of the 2026-07-28 era: run_command ENDS with `input_required` and an opaque `requestState`,
 * and the client retries the same call later (days later, both processes restarted) with the person's answer.
 * The state round-trips through the client, so it is signed (the SDK's HMAC-SHA256 codec), expires, is bound to
 * the call's arguments and conversation, and is good for one retry only (its nonce, see used-nonces.ts).
 * It is signed, not encrypted: the client can read the command in it, which it sent in the first place.
 */
import { createHash, randomBytes } from "node:crypto";
import { createRequestStateCodec, type RequestStateCodec, type ServerContext } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { UsedNonces } from "./used-nonces.ts";

const approvalStateSchema = z.object({
  nonce: z.string(),
  command: z.string(),
  callHash: z.string(),
  conversation: z.string().nullable(),
  prefix: z.string().nullable(),
  expiresAt: z.number(),
});
export type ApprovalState = z.infer<typeof approvalStateSchema>;

/** What identifies a call: a retry must carry the same, or the approval is not for it. */
export interface CallIdentity {
  command: string;
  timeoutMs: number | undefined;
  conversation: string | null;
}

/** Why a retry's state was refused: expired, forged/garbled, used before, or minted for another call. */
export type Refusal = "expired" | "invalid" | "used" | "mismatch";
/** The codec reads the request context only for a `bind` callback, which this one has not. */
const NO_CONTEXT = undefined as unknown as ServerContext;

export type Redeemed = { ok: true; state: ApprovalState } | { ok: false; refusal: Refusal };

export interface ApprovalStatesOptions {
  /** HMAC key, 32+ bytes. Every process that may see a retry must share it. */
  key: string;
  ttlSeconds: number;
  nonces: UsedNonces;
  now?: () => number;
}

export class ApprovalStates {
  private readonly codec: RequestStateCodec<ApprovalState>;
  private readonly ttlMs: number;
  private readonly nonces: UsedNonces;
  private readonly now: () => number;

  constructor(options: ApprovalStatesOptions) {
    // The codec's own expiry (on the real clock) backs up ours (on the injectable one).
    this.codec = createRequestStateCodec<ApprovalState>({ key: options.key, ttlSeconds: options.ttlSeconds });
    this.ttlMs = options.ttlSeconds * 1000;
    this.nonces = options.nonces;
    this.now = options.now ?? Date.now;
  }

  mint(call: CallIdentity, prefix: string | undefined): Promise<string> {
    return this.codec.mint({
      nonce: randomBytes(18).toString("base64url"),
      command: call.command,
      callHash: callHash(call),
      conversation: call.conversation,
      prefix: prefix ?? null,
      expiresAt: this.now() + this.ttlMs,
    });
  }

  /**
   * Verifies a retry's state against the call that carries it and claims its nonce. A state for another call is
   * refused without being used up, so the right retry can still come; everything else that passes is used up
   * here, before anything runs, whatever the answer turns out to be.
   */
  async redeem(raw: unknown, call: CallIdentity): Promise<Redeemed> {
    if (typeof raw !== "string") return { ok: false, refusal: "invalid" };
    let state: ApprovalState;
    try {
      const parsed = approvalStateSchema.safeParse(await this.codec.verify(raw, NO_CONTEXT));
      if (!parsed.success) return { ok: false, refusal: "invalid" };
      state = parsed.data;
    } catch (error) {
      return { ok: false, refusal: error instanceof Error && error.message === "expired" ? "expired" : "invalid" };
    }
    if (state.expiresAt < this.now()) return { ok: false, refusal: "expired" };
    if (state.callHash !== callHash(call) || state.command !== call.command || state.conversation !== call.conversation) {
      return { ok: false, refusal: "mismatch" };
    }
    if (!this.nonces.claim(state.nonce, state.expiresAt)) return { ok: false, refusal: "used" };
    return { ok: true, state };
  }
}

/** SHA-256 of the arguments that decide what runs: the command and its timeout. */
export function callHash(call: Pick<CallIdentity, "command" | "timeoutMs">): string {
  return createHash("sha256")
    .update(JSON.stringify([call.command, call.timeoutMs ?? null]))
    .digest("base64url");
}

export const REFUSAL_SUMMARY: Record<Refusal, string> = {
  expired: "Not run: this approval expired; ask again.",
  invalid: "Not run: this approval is not valid here (altered, or issued by a server with another key).",
  used: "Not run: this approval was already used.",
  mismatch: "Not run: this approval does not match this call (other arguments or another conversation).",
};
