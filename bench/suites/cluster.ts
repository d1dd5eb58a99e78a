/**
 * Figure 8: several instances (lib/cluster) on one Postgres database and one Redis: 8a the cross-instance round
 * trip (cluster-round-trip.ts), 8b routing at scale (cluster-routing.ts), 8c failover (cluster-failover.ts).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { AppServer } from "../lib/app-server.ts";
import { startClusterServices } from "../lib/cluster-instances.ts";
import { type Figure } from "../lib/figures.ts";
import { BENCH_TMP } from "../lib/paths.ts";
import { clusterFailover } from "./cluster-failover.ts";
import { crossInstanceRoundTrip } from "./cluster-round-trip.ts";
import { clusterRouting } from "./cluster-routing.ts";

export interface ClusterOptions {
  /** 8a: pairs of samples (one answered on B, one on A) after `warmup` pairs. */
  pairs: number;
  warmup: number;
  /** 8b */
  held: { pending: number; conversations: number };
  /** 8c: how many times an instance is killed. */
  kills: number;
}

const log = (message: string) => console.log(`[bench] ${message}`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

export async function cluster(options: ClusterOptions): Promise<Figure[]> {
  const services = await startClusterServices();
  if (!services) return [];
  const figures: Figure[] = [];
  const running: AppServer[] = [];
  try {
    const a = await services.startInstance("bench-a");
    running.push(a);
    const b = await services.startInstance("bench-b");
    running.push(b);
    log(`8: instances bench-a ${a.baseUrl} and bench-b ${b.baseUrl} on Postgres and Redis (${services.redisUrl})`);
    let started = performance.now();
    log("8a: answers POSTed to the other instance against the same one …");
    figures.push(...(await crossInstanceRoundTrip(a, b, options)));
    log(`8a took ${seconds(started)}; 8b: ${options.held.pending} pending questions on two instances, answered through the other one …`);
    started = performance.now();
    figures.push(...(await clusterRouting(a, b, options.held)));
    // 8c kills instances: the ones above are stopped first, so only B and the killed A take part.
    await a.stop();
    running.splice(running.indexOf(a), 1);
    log(`8b took ${seconds(started)}; 8c: kill -9 of the instance holding a question, ${options.kills} times …`);
    started = performance.now();
    figures.push(...(await clusterFailover(services, b, options.kills)));
    log(`8c took ${seconds(started)}`);
  } catch (error) {
    // The servers' whole output, kept past their scratch folders (which stop() removes).
    for (const app of running) {
      const file = path.join(BENCH_TMP, `cluster-failure-${app.pid}.log`);
      writeFileSync(file, app.output());
      console.error(`--- ${app.baseUrl}: its output is in ${file}; the end of it: ---\n${app.output().slice(-2000)}`);
    }
    throw error;
  } finally {
    for (const app of running) await app.stop();
    await services.stop();
  }
  return figures;
}
