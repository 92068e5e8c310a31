/** A setting from the environment that cannot be used; main prints it and exits 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_PORT = 8080;

/** PORT (or `name`): an integer 0–65535 (0 picks a free port); unset or empty means 8080. */
export function parsePort(value: string | undefined, name = 'PORT'): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const trimmed = value.trim();
  const port = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || !Number.isInteger(port) || port > 65_535) {
    throw new ConfigError(`${name} must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}
