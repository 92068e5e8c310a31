/**
 * Issue 7's acceptance tests, which must hold "on a real cluster in each proxy mode": the shared
 * cluster's projects run them in its mode, and the other mode's acceptance project runs only these
 * (playwright.config.ts), on a cluster of its own.
 */
export const EACH_MODE = '@each-mode';

/** Tests only for the mode the shared cluster does not run (every feature in it): the acceptance project runs them too. */
export const OTHER_MODE = '@other-mode';
