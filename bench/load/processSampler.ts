import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

const rssMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

/** User + system CPU time of a process, in ticks (fields 14 and 15 of /proc/<pid>/stat). */
const processTicks = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name may hold spaces: count the fields after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

/** Busy and total ticks of the whole machine (first line of /proc/stat). */
const machineTicks = () => {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const ticks = values.map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
};

export interface ProcessWindow {
  rssPeakMb: number;
  rssMeanMb: number;
  rssSamples: number;
  /** The server's CPU over the window, in % of one core. */
  serverCpuPercent: number;
  /** The whole machine's CPU over the window (all cores), in %. */
  machineCpuPercent: number;
}

/**
 * Samples a process's resident set (VmRSS) every `intervalMs`, from outside it; `begin` and
 * `end` frame a window (a stage) and answer its peak and mean RSS and the CPU used over it.
 */
export function sampleProcess(pid: number, intervalMs = 200) {
  let samples: number[] = [];
  let start = { ticks: processTicks(pid), machine: machineTicks(), at: performance.now() };
  const timer = setInterval(() => {
    try {
      samples.push(rssMb(pid));
    } catch {
      // the process is gone: the stage reports what it had
    }
  }, intervalMs);
  timer.unref();
  return {
    current: () => rssMb(pid),
    begin() {
      samples = [];
      start = { ticks: processTicks(pid), machine: machineTicks(), at: performance.now() };
    },
    end(): ProcessWindow {
      const seconds = (performance.now() - start.at) / 1000;
      const ticks = processTicks(pid) - start.ticks;
      const machine = machineTicks();
      const busy = machine.busy - start.machine.busy;
      const total = machine.total - start.machine.total;
      return {
        rssPeakMb: samples.reduce((peak, value) => Math.max(peak, value), 0),
        rssMeanMb:
          samples.length > 0 ? samples.reduce((sum, value) => sum + value, 0) / samples.length : 0,
        rssSamples: samples.length,
        serverCpuPercent: seconds > 0 ? (ticks / TICKS_PER_SECOND / seconds) * 100 : 0,
        machineCpuPercent: total > 0 ? (busy / total) * 100 : 0,
      };
    },
    stop: () => clearInterval(timer),
  };
}
