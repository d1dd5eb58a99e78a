/**
 * The Streamable HTTP server's sessions: each bound to the client (bearer token) that opened it, capped in number,
 * and closed after a while with nothing in flight. A session id alone is not a credential: a request on a session
 * with another client's token is answered as if the session did not exist, so it can neither call tools on it nor
 * answer its questions.
 */
import type { NodeStreamableHTTPServerTransport } from "@modelcontextprotocol/node";

export interface Session {
  transport: NodeStreamableHTTPServerTransport;
  /** The name of the token that opened it ("local" in local-only mode). */
  owner: string;
  lastActive: number;
  /** POSTs still open: a tool call waiting for a person or a running command keeps its session alive. */
  inFlight: number;
}

export interface SessionLimits {
  maxSessions: number;
  /** Sessions one client may hold, so one client's busy sessions cannot lock the others out. */
  maxSessionsPerClient: number;
  idleMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { maxSessions: 32, maxSessionsPerClient: 8, idleMs: 30 * 60_000 };

export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  private readonly limits: SessionLimits;
  private readonly sweeper: ReturnType<typeof setInterval>;
  private readonly now: () => number;

  constructor(limits: SessionLimits, now: () => number = Date.now) {
    this.limits = limits;
    this.now = now;
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(50, Math.min(limits.idleMs / 2, 60_000)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The session with this id, if it belongs to this client. */
  find(id: string, owner: string): Session | undefined {
    const session = this.sessions.get(id);
    return session && session.owner === owner ? session : undefined;
  }

  add(id: string, transport: NodeStreamableHTTPServerTransport, owner: string): void {
    this.sessions.set(id, { transport, owner, lastActive: this.now(), inFlight: 0 });
  }

  remove(id: string): void {
    this.sessions.delete(id);
  }

  /**
   * Makes room for one more session of this client: at the client's own cap, closes its least recently active
   * idle session; at the global cap, the least recently active idle one of anyone. Returns false when that would
   * mean cutting off a call in flight: the new session is refused instead.
   */
  async makeRoom(owner: string): Promise<boolean> {
    const all = [...this.sessions.values()];
    const own = all.filter((s) => s.owner === owner);
    if (own.length >= this.limits.maxSessionsPerClient) return this.closeLeastRecentIdle(own);
    if (all.length >= this.limits.maxSessions) return this.closeLeastRecentIdle(all);
    return true;
  }

  private async closeLeastRecentIdle(candidates: Session[]): Promise<boolean> {
    const idle = candidates.filter((s) => s.inFlight === 0).sort((a, b) => a.lastActive - b.lastActive)[0];
    if (!idle) return false;
    await idle.transport.close();
    return true;
  }

  /** Counts a request as in flight until its response ends. */
  track(session: Session, done: Promise<void>): void {
    session.inFlight += 1;
    session.lastActive = this.now();
    void done.finally(() => {
      session.inFlight -= 1;
      session.lastActive = this.now();
    });
  }

  touch(session: Session): void {
    session.lastActive = this.now();
  }

  closeIdle(): Promise<void[]> {
    const cutoff = this.now() - this.limits.idleMs;
    const stale = [...this.sessions.values()].filter((s) => s.inFlight === 0 && s.lastActive <= cutoff);
    return Promise.all(stale.map((s) => s.transport.close()));
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((s) => s.transport.close()));
  }
}
