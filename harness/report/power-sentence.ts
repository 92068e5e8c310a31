import { percent } from './format.js';

/** "This run detects, with 99% power, a share off the even 33.3% by 29.5% of it (9.8 points) or more on any node." */
export function powerSentence(relative: number, power: number, endpoints: number): string {
  if (!Number.isFinite(relative)) return `This run was too small to detect any skew with ${percent(power)} power.`;
  const even = 1 / endpoints;
  return `This run detects, with ${percent(power)} power, a share off the even ${percent(even)} by ${percent(relative)} of it (${(relative * even * 100).toFixed(1)} points) or more on any node.`;
}
