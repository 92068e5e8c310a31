import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { yaml } from '../util/yaml.js';
import { run } from '../util/exec.js';
import type { Logger } from '../util/log.js';
import { kubectlEnv } from '../kube/kubectl-env.js';
import { focusRegex, type UpstreamTest } from './focus-list.js';

export interface E2eRunOptions {
  e2eTest: string;
  kubeconfig: string;
  /** e2e.test runs `kubectl exec` for most of its probes; it must be this one, not whatever is on PATH. */
  kubectl: string;
  /** Registry standing in for registry.k8s.io/e2e-test-images. */
  registry: string;
  tests: readonly UpstreamTest[];
  /** Where the JUnit file goes (junit_upstream_01.xml). */
  reportDir: string;
  /** Where the repo list, the Ginkgo JSON report and e2e.test's output go. */
  workDir: string;
  signal?: AbortSignal;
  log: Logger;
}

export interface E2eRunFiles {
  junit: string;
  ginkgoJson: string;
  output: string;
  repoList: string;
}

export interface E2eRunResult {
  exitCode: number | null;
  files: E2eRunFiles;
  args: string[];
}

/** Upstream's whole run may take this long before Ginkgo stops it (its default is one hour). */
export const E2E_SUITE_TIMEOUT = '60m';

export function e2eFiles(reportDir: string, workDir: string): E2eRunFiles {
  return {
    junit: path.join(reportDir, 'junit_upstream_01.xml'),
    ginkgoJson: path.join(workDir, 'ginkgo-report.json'),
    output: path.join(workDir, 'e2e.log'),
    repoList: path.join(workDir, 'kube-test-repo-list.yaml'),
  };
}

/**
 * The flags e2e.test needs against a running cluster with no cloud provider, and nothing more:
 * where the cluster is, which kubectl to exec with, which test images to run, which tests, and
 * where the reports go.
 */
export function e2eArgs(options: Pick<E2eRunOptions, 'kubeconfig' | 'kubectl' | 'tests' | 'reportDir'>, files: E2eRunFiles): string[] {
  return [
    `--kubeconfig=${options.kubeconfig}`,
    // No cloud provider: upstream's own fallback, which kind's CI passes explicitly too.
    '--provider=skeleton',
    `--kubectl-path=${options.kubectl}`,
    `--kube-test-repo-list=${files.repoList}`,
    `--report-dir=${options.reportDir}`,
    '--report-prefix=upstream_',
    `--e2e-output-dir=${path.dirname(files.ginkgoJson)}`,
    `--ginkgo.focus=${focusRegex(options.tests)}`,
    `--ginkgo.json-report=${files.ginkgoJson}`,
    `--ginkgo.timeout=${E2E_SUITE_TIMEOUT}`,
    '--ginkgo.no-color',
    '--ginkgo.v',
  ];
}

/** KUBE_TEST_REPO_LIST: upstream's e2e-test-images registry replaced by the local one. */
export function repoListYaml(registry: string): string {
  return yaml().stringify({ promoterE2eRegistry: registry });
}

/**
 * Runs the focus list with e2e.test. Its output goes to e2e.log; each test's start and result are
 * logged as they happen. Resolves with e2e.test's exit code (1 when a test failed); an abort
 * (Ctrl-C) is passed on as SIGTERM, on which Ginkgo runs the tests' clean-up before it exits.
 */
export async function runE2e(options: E2eRunOptions): Promise<E2eRunResult> {
  const files = e2eFiles(options.reportDir, options.workDir);
  writeFileSync(files.repoList, repoListYaml(options.registry));
  const args = e2eArgs(options, files);
  const names = new Set(options.tests.map((t) => t.name));
  const result = await run(options.e2eTest, args, {
    cwd: options.workDir,
    signal: options.signal,
    check: false,
    // Read when the test packages initialise, before the flag is parsed. The kubectl that some
    // tests run keeps its cache where certify's does.
    env: { ...kubectlEnv(options.kubeconfig), KUBE_TEST_REPO_LIST: files.repoList },
    onStdoutLine: (line) => {
      const text = line.trim();
      // Ginkgo -v prints a spec's name followed by its labels: "<name> [sig-network, Conformance]".
      const name = names.has(text) ? text : [...names].find((n) => text.startsWith(`${n} [`));
      if (name) options.log.info(`running: ${name}`);
      else if (/^• (\[[A-Z]+\] )?\[[\d.]+ seconds\]/.test(text) || /^S \[SKIPPED\]/.test(text)) options.log.info(text);
    },
  });
  writeFileSync(files.output, result.stdout + (result.stderr ? `\n--- stderr ---\n${result.stderr}` : ''));
  return { exitCode: result.exitCode, files, args };
}

/** Every test name the binary holds (`--list-tests`), to check the focus list against. */
export async function listUpstreamTests(e2eTest: string, signal?: AbortSignal): Promise<Set<string>> {
  const { stdout } = await run(e2eTest, ['--list-tests'], { signal, timeoutMs: 120_000 });
  return new Set(stdout.split('\n').map((line) => line.trim().replace(/^.*?\.go:\d+: /, '')).filter(Boolean));
}
