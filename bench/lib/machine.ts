/** What the figures were measured on: they only mean something next to this. */
import os from "node:os";

export interface MachineDescription {
  cpuModel: string;
  cpus: number;
  /** Cores this process may use (cgroup/affinity aware), which can be fewer than `cpus`. */
  availableParallelism: number;
  memoryGiB: number;
  loadAverage1m: number;
  platform: string;
  kernel: string;
  node: string;
}

export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cpus: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
  };
}
