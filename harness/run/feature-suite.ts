import pMap from 'p-map';
import type { Feature, FeatureContext, FeatureStep } from '../features/feature.js';
import { featureNamespace } from '../features/feature-namespace.js';
import { FeatureResult, type FeatureOutcome } from '../features/feature-result.js';
import { featureFamilyAlpha } from '../features/registry.js';
import type { Kubectl } from '../kube/kubectl.js';
import type { TrafficLane } from '../traffic/traffic-lane.js';
import { HelloworldLab } from '../lab/helloworld-lab.js';
import { claimNamespace } from '../lab/namespace-guard.js';
import { errorMessage, oneLineMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { recordFeatureNamespace, type ClusterState, type RunConfig } from './run-config.js';

/** What every feature of a run shares: the run, the cluster the setup made and surveyed, and a client to it. */
export interface SuiteContext {
  run: RunConfig;
  state: ClusterState;
  kubectl: Kubectl;
  log: Logger;
  /** The run's one lane for measured traffic. */
  lane: TrafficLane;
}

/**
 * One feature being run: its steps in turn, then its end, which closes what the steps opened and
 * gives its part of the report. certify runs the steps one after another (runFeatures); `npm
 * test`'s spec makes each step a test of its own.
 */
export class FeatureExecution {
  readonly steps: readonly FeatureStep[];
  readonly result: FeatureResult;
  private readonly ctx: FeatureContext;
  private readonly ends: (() => Promise<unknown>)[] = [];

  constructor(readonly feature: Feature, private readonly suite: SuiteContext) {
    const { run, state, kubectl, log, lane } = suite;
    const survey = state.survey;
    if (!survey) throw new Error(`the cluster "${state.info.name}" was not surveyed: the setup did not finish`);
    this.result = FeatureResult.begin(feature, survey.facts, run.featuresClaimed);
    this.steps = feature.steps();
    const namespace = featureNamespace(feature, run.namespace);
    this.ctx = {
      options: { ...run, namespace },
      cluster: { appImage: state.appImage, dockerNetwork: state.info.dockerNetwork, facts: survey.facts, discovery: survey.discovery },
      kubectl,
      lab: new HelloworldLab(kubectl, namespace, state.appImage),
      log,
      familyAlpha: featureFamilyAlpha(run.features),
      checkPrefix: feature.checkPrefix ?? `${feature.slug}/`,
      result: this.result,
      lane,
      onEnd: (close) => void this.ends.push(close),
    };
  }

  /** Why the steps (or the rest of them) are not run: the cluster cannot test the feature, or a step found so. */
  get stopped(): string | null {
    return this.result.notRunnable ?? this.result.skipped;
  }

  /**
   * Takes the feature's own namespace (the lab's was taken by the setup), recorded before it is
   * made so that the run's clean-up deletes it; one that holds someone else's objects is refused.
   */
  async claimNamespace(): Promise<void> {
    if (this.feature.inLabNamespace) return;
    const { run, kubectl, log } = this.suite;
    const { namespace } = this.ctx.options;
    const reapedFrom = run.reaper ? { reapedFrom: run.namespace } : {};
    await this.result.step('namespace', () => claimNamespace(kubectl, namespace, { log, beforeCreate: () => recordFeatureNamespace(run, namespace), ...reapedFrom }));
  }

  /** Runs one step; a failure fails the feature, naming the step, and is thrown on. */
  async runStep(step: FeatureStep): Promise<void> {
    await this.result.step(step.name, () => step.run(this.ctx));
  }

  /** Closes what the steps opened (last first), then gives the feature's outcome; `failure`: the first error outside the steps. */
  async finish(failure?: string): Promise<FeatureOutcome> {
    for (const close of this.ends.splice(0).reverse()) {
      await close().catch((error: unknown) => this.ctx.log.warn(`${this.feature.id}: closing what a step opened failed: ${oneLineMessage(error)}`));
    }
    return this.result.finish(failure);
  }
}

/**
 * Features run at once in certify. Most of a feature's time is waiting on the cluster (rollouts,
 * upstream's 30 s programming bound, probes that must go unanswered), so they wait side by side,
 * each in its own namespace with its own app and Service. Not all ten: on 2 cores that starved the
 * nodes' kube-proxies, the kubelets' execs and the clients until correct proxies missed the 30 s
 * bounds, and took longer than four at once (docs/benchmarks.md, 2026-12-06). Their measured
 * bursts take turns besides (traffic/traffic-lane.ts).
 */
export const FEATURES_AT_ONCE = 4;

/**
 * certify's run of its features, side by side (FEATURES_AT_ONCE); each feature's steps in turn,
 * a feature ending at its first failed step; every feature reports, whatever the others did.
 * Stops between steps once `signal` aborts (Ctrl-C), and does not wait for the steps under way:
 * the run's clean-up removes what they made. Outcomes come in the order of `features`.
 */
export async function runFeatures(features: readonly Feature[], suite: SuiteContext, signal: AbortSignal): Promise<FeatureOutcome[]> {
  const outcomes = await pMap(features, (feature) => runFeature(feature, suite, signal), { concurrency: FEATURES_AT_ONCE });
  return outcomes.filter((o): o is FeatureOutcome => o !== undefined);
}

async function runFeature(feature: Feature, suite: SuiteContext, signal: AbortSignal): Promise<FeatureOutcome | undefined> {
  if (signal.aborted) return undefined;
  const execution = new FeatureExecution(feature, suite);
  let failure: string | undefined;
  try {
    if (execution.stopped === null) await untilAborted(execution.claimNamespace(), signal);
    for (const step of execution.steps) {
      if (execution.stopped !== null || signal.aborted) break;
      suite.log.step(`${feature.id} ${step.title}`);
      await untilAborted(execution.runStep(step), signal);
    }
  } catch (error) {
    if (!signal.aborted) failure = errorMessage(error);
  }
  const outcome = await execution.finish(failure);
  const { status, reason } = outcome.report;
  suite.log.step(`${feature.id}: ${status}${reason ? ` (${reason})` : ''}`);
  return outcome;
}

/** `work`, or a rejection as soon as `signal` aborts (the work goes on unawaited). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
