import { readFileSync } from 'node:fs';

/** CPU seconds spent over an interval: by the whole machine, by this process, and by its waited-for children. */
export interface CpuSpent {
  wallSeconds: number;
  machineSeconds: number;
  selfSeconds: number;
  childrenSeconds: number;
}

/**
 * Reads /proc between start() and stop(). Linux reports /proc times in USER_HZ ticks, which the
 * kernel fixes at 100 for user space whatever CONFIG_HZ is.
 */
export class CpuMeter {
  private static readonly TICKS_PER_SECOND = 100;

  private constructor(
    private readonly started: number,
    private readonly machineTicks: number,
    private readonly self: NodeJS.CpuUsage,
    private readonly childrenTicks: number,
  ) {}

  static start(): CpuMeter {
    return new CpuMeter(performance.now(), machineBusyTicks(), process.cpuUsage(), waitedChildrenTicks());
  }

  stop(): CpuSpent {
    const self = process.cpuUsage(this.self);
    return {
      wallSeconds: (performance.now() - this.started) / 1000,
      machineSeconds: (machineBusyTicks() - this.machineTicks) / CpuMeter.TICKS_PER_SECOND,
      selfSeconds: (self.user + self.system) / 1e6,
      childrenSeconds: (waitedChildrenTicks() - this.childrenTicks) / CpuMeter.TICKS_PER_SECOND,
    };
  }
}

/** Busy ticks of all CPUs: everything on the first line of /proc/stat except idle and iowait. */
function machineBusyTicks(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

/** cutime + cstime of /proc/self/stat: CPU time of children this process has waited for. */
function waitedChildrenTicks(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the parenthesised command name; cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]);
}
