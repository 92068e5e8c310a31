import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '../support/fixtures.js';
import { readReportJson } from '../../harness/report/report-reader.js';
import { run } from '../../harness/util/exec.js';
import { outcomeLines } from '../support/cli.js';
import { REPO_ROOT } from '../../harness/util/repo-root.js';

/** Every file under `dir` with a digest of its content, to show nothing was written into it. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.set(path.relative(dir, full), createHash('sha256').update(readFileSync(full)).digest('hex'));
    }
  };
  walk(dir);
  return files;
}

/**
 * The CLI as another project gets it: `npm pack`, installed into an empty directory, run with npx
 * from there against the live cluster. Reports land in that directory; the package is untouched.
 */
test.describe('the installed CLI', () => {
  test('npm pack, npm install into an empty directory, npx kube-proxy-conformance certify --kubeconfig: exit 0', async ({ state, kubectl, log }) => {
    test.setTimeout(20 * 60_000);
    // Outside the repository, so that Node cannot find a dependency the package forgot in the repository's node_modules.
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'kpc-installed-'));
    const namespace = 'kpc-installed';
    try {
      const packed = (await run('npm', ['pack', '--pack-destination', scratch, '--silent'], { cwd: REPO_ROOT })).stdout.trim().split('\n').pop()!;
      const project = path.join(scratch, 'project');
      await run('mkdir', ['-p', project]);
      await run('npm', ['init', '-y'], { cwd: project });
      log.step(`installing ${packed} into an empty project`);
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(scratch, packed)], { cwd: project, timeoutMs: 15 * 60_000 });
      const installed = path.join(project, 'node_modules', 'kube-proxy-conformance');
      const before = snapshot(installed);
      const version = await run('npx', ['kube-proxy-conformance', '--version'], { cwd: project });
      expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version);
      const certify = await run('npx', ['kube-proxy-conformance', 'certify', '--kubeconfig', state.info.kubeconfig, '--namespace', namespace, '--client', 'host'], { cwd: project, check: false, timeoutMs: 15 * 60_000 });
      expect(certify.exitCode, outcomeLines(certify.stderr)).toBe(0);
      expect(readReportJson(path.join(project, 'reports')).verdict).toBe('pass');
      expect(existsSync(path.join(project, 'reports', 'conformance-report.yaml'))).toBe(true);
      const after = snapshot(installed);
      const changed = [...after].filter(([file, digest]) => before.get(file) !== digest).map(([file]) => file);
      expect(changed, 'files written into the installed package').toEqual([]);
      expect(statSync(installed).isDirectory()).toBe(true);
    } finally {
      await kubectl.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false'], { check: false });
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
