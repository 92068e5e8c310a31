import { readFileSync } from 'node:fs';

/** The parts of Ginkgo v2's JSON report (`--ginkgo.json-report`) this harness reads. */
interface GinkgoSpecReport {
  ContainerHierarchyTexts?: string[] | null;
  LeafNodeType?: string;
  LeafNodeText?: string;
  State?: string;
  StartTime?: string;
  /** Nanoseconds. */
  RunTime?: number;
  Failure?: { Message?: string; Location?: { FileName?: string; LineNumber?: number } };
  CapturedGinkgoWriterOutput?: string;
}

interface GinkgoSuiteReport {
  SuiteSucceeded?: boolean;
  RunTime?: number;
  SpecReports?: GinkgoSpecReport[] | null;
}

/** One test that Ginkgo ran (or skipped at run time) from the focus list. */
export interface SpecOutcome {
  name: string;
  /** Ginkgo's state: passed, failed, skipped, panicked, interrupted, aborted, timedout. */
  state: string;
  durationSeconds: number;
  startedAt: string | null;
  /** The failure or skip message, first line kept whole. */
  message: string | null;
  /** What the test logged (its "By" steps, the commands it ran). */
  output: string;
}

export interface GinkgoRun {
  suiteSucceeded: boolean;
  runSeconds: number;
  specs: SpecOutcome[];
}

/**
 * Reads the report and keeps the specs named in `names` (the report lists every spec of the
 * binary; the ones the focus filtered out are marked skipped without having run).
 */
export function readGinkgoReport(file: string, names: ReadonlySet<string>): GinkgoRun {
  const suites = JSON.parse(readFileSync(file, 'utf8')) as GinkgoSuiteReport[];
  const specs: SpecOutcome[] = [];
  let runSeconds = 0;
  let suiteSucceeded = true;
  for (const suite of suites) {
    runSeconds += (suite.RunTime ?? 0) / 1e9;
    suiteSucceeded &&= suite.SuiteSucceeded === true;
    for (const spec of suite.SpecReports ?? []) {
      if (spec.LeafNodeType !== 'It') continue;
      const name = fullName(spec);
      if (!names.has(name)) continue;
      specs.push({
        name,
        state: spec.State ?? 'unknown',
        durationSeconds: round((spec.RunTime ?? 0) / 1e9),
        startedAt: spec.StartTime && !spec.StartTime.startsWith('0001-') ? spec.StartTime : null,
        message: spec.Failure?.Message?.trim() || null,
        output: spec.CapturedGinkgoWriterOutput ?? '',
      });
    }
  }
  return { suiteSucceeded, runSeconds: round(runSeconds), specs };
}

export function fullName(spec: Pick<GinkgoSpecReport, 'ContainerHierarchyTexts' | 'LeafNodeText'>): string {
  return [...(spec.ContainerHierarchyTexts ?? []), spec.LeafNodeText ?? ''].filter(Boolean).join(' ');
}

const round = (x: number) => Math.round(x * 10) / 10;
