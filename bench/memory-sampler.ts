import { readFileSync } from 'node:fs';

/** Polls /proc/meminfo; reports the peak of memory in use above what was in use at the start. */
export class MemorySampler {
  private peak = 0;
  private constructor(private readonly baseline: number, private readonly timer: NodeJS.Timeout) {}

  static start(intervalMs = 1000): MemorySampler {
    const sampler: MemorySampler = new MemorySampler(usedMiB(), setInterval(() => sampler.sample(), intervalMs));
    return sampler;
  }

  private sample(): void {
    this.peak = Math.max(this.peak, usedMiB() - this.baseline);
  }

  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return this.peak;
  }
}

function usedMiB(): number {
  const info = Object.fromEntries(
    readFileSync('/proc/meminfo', 'utf8')
      .split('\n')
      .map((l) => /^(\w+):\s+(\d+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], Number(m[2])]),
  );
  return ((info.MemTotal ?? 0) - (info.MemAvailable ?? 0)) / 1024;
}
