// What the numbers were measured on. Load average is recorded because the machine may be
// shared while the benchmark runs.

import os from 'node:os';

export interface MachineInfo {
  node: string;
  v8: string;
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  totalMemMiB: number;
  loadAvg: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemMiB: Math.round(os.totalmem() / 1024 / 1024),
    loadAvg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
