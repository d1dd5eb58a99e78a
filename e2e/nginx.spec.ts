import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { expect, test } from "@playwright/test";
import { freeLoopbackPort } from "../testing/service-binary";
import { haveNginx, startNginx } from "./support/nginx";

/**
 * The balancer the cluster spec puts in front of the app, checked against plain HTTP servers that say who they are:
 * the properties the app relies on (round robin, streams passed through as they come, the browser's Host, a POST
 * never sent to a second instance) hold in the generated configuration, whatever the app does.
 */
test.describe("the test nginx", () => {
  test.skip(!haveNginx(), "needs nginx (apt-get install nginx)");

  interface Upstream {
    url: string;
    /** Method and path of every request it received. */
    seen: string[];
    close(): Promise<void>;
  }

  async function upstream(name: string, handle?: (request: IncomingMessage, response: ServerResponse) => boolean): Promise<Upstream> {
    const seen: string[] = [];
    const server: Server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      if (handle?.(request, response)) return;
      response.writeHead(200, { "x-elicit-instance": name, "x-seen-host": request.headers.host ?? "" });
      response.end(name);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      seen,
      close: () =>
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  }

  test("round robin without stickiness, the browser's Host passed on, and a stream's chunks passed on as they come", async () => {
    const streaming = (request: IncomingMessage, response: ServerResponse) => {
      if (request.url !== "/stream") return false;
      response.writeHead(200, { "content-type": "text/event-stream" });
      let sent = 0;
      const timer = setInterval(() => {
        response.write(`data: ${sent++}\n\n`);
        if (sent === 3) {
          clearInterval(timer);
          response.end();
        }
      }, 300);
      return true;
    };
    const upstreams = [await upstream("a", streaming), await upstream("b", streaming)];
    const nginx = await startNginx(upstreams.map((u) => u.url));
    try {
      const served: string[] = [];
      for (let i = 0; i < 4; i++) {
        const response = await fetch(`${nginx.baseURL}/page`);
        expect(response.headers.get("x-seen-host")).toBe(new URL(nginx.baseURL).host);
        served.push(await response.text());
      }
      expect(served.sort()).toEqual(["a", "a", "b", "b"]);

      // Held until complete, all three chunks would arrive together after 900 ms; passed on, the first comes long before.
      const started = Date.now();
      const reader = (await fetch(`${nginx.baseURL}/stream`)).body!.pipeThrough(new TextDecoderStream()).getReader();
      const first = await reader.read();
      const firstAfter = Date.now() - started;
      expect(first.value).toBe("data: 0\n\n");
      expect(firstAfter).toBeLessThan(700);
      while (!(await reader.read()).done);
    } finally {
      await nginx.stop();
      await Promise.all(upstreams.map((u) => u.close()));
    }
  });

  test("a GET whose instance is down goes to the other; a POST that reached an instance is never sent to a second", async () => {
    // "a" takes the POST and drops the connection without answering, as an instance killed mid-request would.
    const dropping = await upstream("a", (request, response) => {
      if (request.method !== "POST") return false;
      request.resume();
      request.once("end", () => response.socket?.destroy());
      return true;
    });
    const healthy = await upstream("b");
    const down = `http://127.0.0.1:${await freeLoopbackPort()}`; // Nothing listens there.
    const withDown = await startNginx([down, healthy.url]);
    const withDropping = await startNginx([dropping.url, healthy.url]);
    try {
      for (let i = 0; i < 4; i++) expect(await (await fetch(`${withDown.baseURL}/page`)).text()).toBe("b");

      healthy.seen.length = 0;
      const posted = [];
      for (let i = 0; i < 2; i++) posted.push((await fetch(`${withDropping.baseURL}/answer`, { method: "POST", body: "{}" })).status);
      expect(posted.sort()).toEqual([200, 502]);
      expect(dropping.seen).toEqual(["POST /answer"]);
      expect(healthy.seen).toEqual(["POST /answer"]);
    } finally {
      await withDown.stop();
      await withDropping.stop();
      await Promise.all([dropping.close(), healthy.close()]);
    }
  });
});
