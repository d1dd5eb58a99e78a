import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { bearerFetch, startTeamServer, type TeamServer } from "./support/team";

/** An instance with users (made by the users CLI in a fresh database): sign-in is required everywhere. */
test.describe("sign-in with users configured", () => {
  let team: TeamServer;
  test.beforeAll(async () => {
    team = await startTeamServer();
  });
  test.afterAll(async () => {
    await team?.stop();
  });

  test("a page without a session goes to /sign-in; the API answers 401", async ({ page }) => {
    await page.goto(`${team.baseURL}/?thread=abc`);
    await expect(page).toHaveURL(/\/sign-in\?next=%2F%3Fthread%3Dabc$/);
    await expect(page.getByRole("main")).toBeVisible();
    expect((await fetch(`${team.baseURL}/api/tool-approvals?threadId=abc`)).status).toBe(401);
    // A made-up session cookie is not a session.
    const forged = await fetch(team.baseURL, { headers: { cookie: "better-auth.session_token=forged.value" }, redirect: "manual" });
    expect(forged.status).toBe(307);
    expect(forged.headers.get("location")).toContain("/sign-in");
  });

  test("the sign-in page is accessible", async ({ page }) => {
    await page.goto(`${team.baseURL}/sign-in`);
    await expect(page.getByLabel("Name")).toBeFocused();
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((violation) => violation.id)).toEqual([]);
  });

  test("a wrong password is refused and said so; the right one signs in, the chat works, sign-out ends it", async ({ page }) => {
    await page.goto(`${team.baseURL}/`);
    await page.getByLabel("Name").fill("alice");
    await page.getByLabel("Password").fill("not-her-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("#sign-in-error[role=alert]")).toHaveText("Wrong name or password.");
    await expect(page).toHaveURL(/\/sign-in/);

    await page.getByLabel("Password").fill(team.users.alice.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const chat = new ChatPage(page);
    await expect(chat.composer).toBeVisible();
    await expect(page.getByTestId("signed-in-user")).toHaveText("alice (requester)");
    const cookies = await page.context().cookies(team.baseURL);
    const session = cookies.find((cookie) => cookie.name.endsWith("session_token"));
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });

    await chat.send("run `ls -la`");
    await expect(chat.commandCards.last()).toContainText("exit 0");
    await chat.waitForIdle();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.goto(`${team.baseURL}/`);
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("signIn() and API keys from the CLI work; a bad key is 401", async ({ context, page }) => {
    await team.signIn(context, "dana");
    await page.goto(team.baseURL);
    await expect(page.getByTestId("signed-in-user")).toHaveText("dana (admin)");
    // Authenticated, and nobody's conversation: 404, not 401.
    expect((await bearerFetch(team.baseURL, team.users.bob.apiKey, "/api/tool-approvals?threadId=abc")).status).toBe(404);
    expect((await bearerFetch(team.baseURL, "ec_not-a-key", "/api/tool-approvals?threadId=abc")).status).toBe(401);
  });
});
