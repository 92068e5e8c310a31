/** A jq program failed on its input; names the program so the message says which query broke. */
export class JqQueryError extends Error {
  constructor(
    readonly programName: string,
    readonly query: string,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(`jq program ${programName} failed: ${stderr.trim() || 'no error output'}`, options);
    this.name = 'JqQueryError';
  }
}
