import type { Feature, FeatureContext, FeatureStep } from '../features/feature.js';
import { FeatureResult, type FeatureOutcome } from '../features/feature-result.js';
import { featureFamilyAlpha } from '../features/registry.js';
import type { Kubectl } from '../kube/kubectl.js';
import { HelloworldLab } from '../lab/helloworld-lab.js';
import { errorMessage, oneLineMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { ClusterState, RunConfig } from './run-config.js';

/** What every feature of a run shares: the run, the cluster the setup made and surveyed, and a client to it. */
export interface SuiteContext {
  run: RunConfig;
  state: ClusterState;
  kubectl: Kubectl;
  log: Logger;
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

  constructor(readonly feature: Feature, { run, state, kubectl, log }: SuiteContext) {
    const survey = state.survey;
    if (!survey) throw new Error(`the cluster "${state.info.name}" was not surveyed: the setup did not finish`);
    this.result = FeatureResult.begin(feature, survey.facts, run.featuresClaimed);
    this.steps = feature.steps();
    this.ctx = {
      options: run,
      cluster: { appImage: state.appImage, dockerNetwork: state.info.dockerNetwork, facts: survey.facts, discovery: survey.discovery },
      kubectl,
      lab: new HelloworldLab(kubectl, run.namespace, state.appImage),
      log,
      familyAlpha: featureFamilyAlpha(run.features),
      checkPrefix: feature.checkPrefix ?? `${feature.slug}/`,
      result: this.result,
      onEnd: (close) => void this.ends.push(close),
    };
  }

  /** Why the steps (or the rest of them) are not run: the cluster cannot test the feature, or a step found so. */
  get stopped(): string | null {
    return this.result.notRunnable ?? this.result.skipped;
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
 * certify's run of its features: each feature's steps in turn, a feature ending at its first
 * failed step; every feature reports, whatever the others did. Stops between steps once `signal`
 * aborts (Ctrl-C), and does not wait for the step under way: the run's clean-up removes what it made.
 */
export async function runFeatures(features: readonly Feature[], suite: SuiteContext, signal: AbortSignal): Promise<FeatureOutcome[]> {
  const outcomes: FeatureOutcome[] = [];
  for (const feature of features) {
    if (signal.aborted) break;
    const execution = new FeatureExecution(feature, suite);
    let failure: string | undefined;
    for (const step of execution.steps) {
      if (execution.stopped !== null || signal.aborted) break;
      suite.log.step(`${feature.id} ${step.title}`);
      try {
        await untilAborted(execution.runStep(step), signal);
      } catch (error) {
        if (!signal.aborted) failure = errorMessage(error);
        break;
      }
    }
    const outcome = await execution.finish(failure);
    const { status, reason } = outcome.report;
    suite.log.step(`${feature.id}: ${status}${reason ? ` (${reason})` : ''}`);
    outcomes.push(outcome);
  }
  return outcomes;
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
