import { test, expect } from '@playwright/test';
import { oneLineMessage } from '../../harness/util/errors.js';

test("a failed assertion becomes one report line that keeps what was expected and received", () => {
  let caught: unknown;
  try {
    expect(404).toBe(200);
  } catch (error) {
    caught = error;
  }
  const line = oneLineMessage(caught);
  expect(line).not.toMatch(/\x1b|\n/);
  expect(line).toBe('expect(received).toBe(expected) // Object.is equality; Expected: 200; Received: 404');
});
