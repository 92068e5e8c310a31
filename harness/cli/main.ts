import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../util/repo-root.js';
import { BIN } from './command-name.js';

/** The subcommands, each an entry point of its own in this folder (also what the npm scripts run). */
const COMMANDS: { name: string; file: string; summary: string }[] = [
  { name: 'certify', file: './certify.js', summary: 'certify the service proxy of a kind cluster it boots, or of the cluster --kubeconfig points at' },
  { name: 'matrix', file: './matrix.js', summary: 'certify several implementations, each on a cluster of its own, and compare them on one page' },
  { name: 'upstream', file: './upstream.js', summary: "run a fixed list of upstream's Services e2e tests (built offline) against a cluster, side by side with certify" },
  { name: 'cluster up', file: './cluster-up.js', summary: 'boot a kind cluster for certifying (writes .kube/<name>.kubeconfig here)' },
  { name: 'cluster down', file: './cluster-down.js', summary: 'delete a kind cluster made by cluster up' },
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Usage: ${BIN} <command> [options]`,
    '',
    'Certifies Kubernetes service proxies on every node, with statistics and evidence.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Options:\n  -V, --version  the version\n  -h, --help     this help; "${BIN} <command> --help" for a command's options`,
    '',
  ].join('\n');
}

const args = process.argv.slice(2);
if (args[0] === '--version' || args[0] === '-V') {
  const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  process.stdout.write(`${version}\n`);
  process.exit(0);
}
if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
  process.stdout.write(usage());
  process.exit(0);
}
const command = COMMANDS.find((c) => c.name.split(' ').every((word, i) => args[i] === word));
// "cluster" alone, or "cluster --help": the commands of that group.
const group = command ? [] : COMMANDS.filter((c) => c.name.startsWith(`${args[0]} `));
if (group.length > 0) {
  const help = args.slice(1).some((a) => a === '--help' || a === '-h');
  const names = group.map((c) => `"${BIN} ${c.name}"`).join(' or ');
  if (help) process.stdout.write(`${group.map((c) => `${`${BIN} ${c.name}`.padEnd(BIN.length + 1 + Math.max(...group.map((g) => g.name.length)))}  ${c.summary}`).join('\n')}\n`);
  else process.stderr.write(`error: "${args.join(' ')}" is not a command: use ${names} (each takes --help)\n`);
  process.exit(help ? 0 : 2);
}
if (!command) {
  const what = args[0]!.startsWith('-') ? `unknown option "${args[0]}" before the command` : `unknown command "${args.slice(0, 2).join(' ')}"`;
  process.stderr.write(`error: ${what}: run \`${BIN} --help\` for the commands\n`);
  process.exit(2);
}
// Each command parses process.argv itself, as when its npm script runs it.
process.argv = [process.argv[0]!, `${BIN} ${command.name}`, ...args.slice(command.name.split(' ').length)];
await import(command.file);
