import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test, type Browser, type BrowserContext } from "@playwright/test";
import { InboxPage } from "../pages/inbox-page";
import { addAgentUser, connectAgent, type PeopleAgent } from "./people-agent";
import { startTeamServer, type TeamMember, type TeamServer } from "./team";

export interface PeopleTeam {
  /** The app with its team (started in beforeAll). */
  readonly team: TeamServer;
  /** A connected agent with the agent user's key; closed after the test. */
  agent(mode?: "legacy" | "auto"): Promise<PeopleAgent>;
  /** `name` signed in, with /inbox open and live; its browser context is closed after the test. */
  inboxOf(browser: Browser, name: TeamMember): Promise<InboxPage>;
}

/**
 * For a describe block of people-as-a-tool specs: a team server with this routing file, an agent user `agentName`
 * added while it runs (as an operator adds an agent to a live deployment), and what each test opens closed after
 * it (closed pages end their inbox streams, so the server stops at once afterwards).
 */
export function usePeopleTeam(routing: object, agentName: string): PeopleTeam {
  let team: TeamServer | undefined;
  let agentKey = "";
  const agents: PeopleAgent[] = [];
  const contexts: BrowserContext[] = [];

  test.beforeAll(async () => {
    const routingFile = path.join(mkdtempSync(path.join(os.tmpdir(), "elicit-chat-people-")), "routing.json");
    writeFileSync(routingFile, JSON.stringify(routing));
    team = await startTeamServer({ env: { ROUTING_FILE: routingFile } });
    agentKey = await addAgentUser(team.databaseUrl, agentName);
  });
  test.afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close().catch(() => {})));
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  test.afterAll(async () => {
    await team?.stop();
  });

  const started = (): TeamServer => {
    if (!team) throw new Error("the team server is started in beforeAll");
    return team;
  };
  return {
    get team() {
      return started();
    },
    async agent(mode) {
      const connected = await connectAgent(started().baseURL, agentName, agentKey, mode);
      agents.push(connected);
      return connected;
    },
    async inboxOf(browser, name) {
      const context = await browser.newContext();
      contexts.push(context);
      await started().signIn(context, name);
      const inbox = new InboxPage(await context.newPage());
      await inbox.open(started().baseURL);
      return inbox;
    },
  };
}
