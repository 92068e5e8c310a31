#!/usr/bin/env node
// The installed command. certify runs from a bundle of its modules (bin/cli-bundle.mjs); the other
// commands, and certify where no bundle can be made, run the TypeScript through tsx (a dependency).
import { bundledCommand } from './cli-bundle.mjs';

const args = process.argv.slice(2);
const bundle = args[0] === 'certify' ? await bundledCommand('certify') : undefined;
if (bundle) {
  // As harness/cli/main.ts hands a command its arguments.
  process.argv = [process.argv[0], 'kube-proxy-conformance certify', ...args.slice(1)];
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../harness/cli/main.ts');
}
