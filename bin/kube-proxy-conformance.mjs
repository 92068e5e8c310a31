#!/usr/bin/env node
// The installed command: the harness is TypeScript, run through tsx (a dependency) wherever it is installed.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
