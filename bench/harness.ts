// A small harness for side-by-side benchmarks: every case runs in this one process, timed in
// batches (a clock read costs ~70 ns here, so single calls cannot be timed), median of rounds.

/** One measured operation. `run(n)` must perform the operation `n` times. */
export interface BenchCase {
  readonly name: string;
  /** Runs before each timed batch (reset shared counters here). */
  readonly beforeBatch?: () => void;
  readonly run: (iterations: number) => void;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Operations per timed batch. @default 100_000 */
  batch?: number;
  /** Timed batches; the median is reported. @default 15 */
  rounds?: number;
  /** Untimed batches first, so the JIT settles. @default 5 */
  warmup?: number;
}

// calls of each case before any warm-up batch: below what V8 compiles (see measureInterleaved)
const PRIMING_CALLS = 100;

/** Median nanoseconds per operation. */
export function measure(bench: BenchCase, options: MeasureOptions = {}): number {
  const { batch = 100_000, rounds = 15, warmup = 5 } = options;
  for (let i = 0; i < warmup; i++) {
    bench.beforeBatch?.();
    bench.run(batch);
  }
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    bench.beforeBatch?.();
    const start = performance.now();
    bench.run(batch);
    samples.push(((performance.now() - start) * 1e6) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

/**
 * Best-of-rounds nanoseconds per operation for each case, measured round-robin: untimed passes
 * over every case first, so each call site has seen every peer's shapes (a steady, polymorphic
 * state) before anything is timed; then each round times every case once. On a shared machine
 * other processes only ever add time, so the minimum is the estimate least distorted by them,
 * for every case alike.
 *
 * The untimed passes begin with a few calls of each case, too few for V8 to compile anything:
 * functions the cases share (a library's own `emit`) have then seen every case before any loop
 * is compiled. Otherwise a loop compiled early is specialised for the cases that happened to run
 * before it, and its figure changes from one process to the next (an emit with nothing attached
 * measured 1.0 or 2.0 ns that way).
 */
export function measureInterleaved(
  cases: readonly BenchCase[],
  options: { rounds: number; batch: number },
): Map<string, number> {
  const { rounds, batch } = options;
  for (const c of cases) measure(c, { rounds: 1, warmup: 0, batch: PRIMING_CALLS });
  for (let i = 0; i < 3; i++) for (const c of cases) measure(c, { rounds: 1, warmup: 1, batch });
  const best = new Map<string, number>(cases.map((c) => [c.name, Number.POSITIVE_INFINITY]));
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const ns = measure(c, { rounds: 1, warmup: 0, batch });
      if (ns < (best.get(c.name) as number)) best.set(c.name, ns);
    }
  }
  return best;
}

/**
 * Best-of-rounds nanoseconds per operation for each case, one case after the other in the given
 * order, with no priming: each case's loops are compiled having seen only the cases before it.
 * Running the same cases in several orders shows whether a figure depends on what ran first.
 */
export function measureInOrder(
  cases: readonly BenchCase[],
  options: { rounds: number; batch: number },
): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of cases) {
    measure(c, { rounds: 1, warmup: 5, batch: options.batch });
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < options.rounds; i++)
      best = Math.min(best, measure(c, { rounds: 1, warmup: 0, batch: options.batch }));
    out.set(c.name, best);
  }
  return out;
}

/** A row of a result table: a case, its cost, and how it compares with a named peer. */
export interface Row {
  readonly name: string;
  readonly nsPerOp: number;
  /** Another row's name this one is compared with, and the target ratio (this / peer). */
  readonly versus?: {
    readonly name: string;
    readonly target?: string;
    readonly maxRatio?: number;
    readonly minSpeedup?: number;
  };
}

/** A further comparison of a measured case: shown as its own row, `<case> (<label>)`. */
export interface ExtraComparison {
  readonly label: string;
  readonly versus: NonNullable<Row['versus']>;
}

/**
 * Table rows for measured cases, in measurement order: each case compared with its peer from
 * `versus` (if any), followed by a row per further comparison of the same figure in `extra`.
 */
export function rowsOf(
  measured: ReadonlyMap<string, number>,
  versus: Readonly<Record<string, Row['versus']>>,
  extra: Readonly<Record<string, readonly ExtraComparison[]>> = {},
): Row[] {
  const rows: Row[] = [];
  for (const [name, nsPerOp] of measured) {
    const peer = versus[name];
    rows.push(peer === undefined ? { name, nsPerOp } : { name, nsPerOp, versus: peer });
    for (const more of extra[name] ?? []) rows.push({ name: `${name} (${more.label})`, nsPerOp, versus: more.versus });
  }
  return rows;
}

/** What a suite returns: a titled table and free-form notes (heap figures, ...). */
export interface SuiteResult {
  readonly title: string;
  readonly rows: readonly Row[];
  readonly notes?: readonly string[];
}

/** A suite: a file under bench/suites with a default export of this shape. */
export interface Suite {
  readonly title: string;
  run(): Promise<SuiteResult> | SuiteResult;
}

/** Formats a suite result as a markdown table with ratios and whether each target was met. */
export function formatResult(result: SuiteResult): string {
  const byName = new Map(result.rows.map((r) => [r.name, r]));
  const lines = [
    `### ${result.title}`,
    '',
    '| case | ns/op | vs | ratio | target | met |',
    '|---|---:|---|---:|---|---|',
  ];
  for (const row of result.rows) {
    let vs = '';
    let ratio = '';
    let target = '';
    let met = '';
    if (row.versus) {
      const peer = byName.get(row.versus.name);
      if (peer) {
        const r = row.nsPerOp / peer.nsPerOp;
        vs = row.versus.name;
        ratio = `${r.toFixed(2)}×`;
        if (row.versus.maxRatio !== undefined) {
          target = `≤ ${row.versus.maxRatio}×`;
          met = r <= row.versus.maxRatio ? 'yes' : 'no';
        } else if (row.versus.minSpeedup !== undefined) {
          // a speedup target reads as a speedup: "27.4× faster", not "0.04×"
          const speedup = peer.nsPerOp / row.nsPerOp;
          ratio = `${speedup.toFixed(1)}× faster`;
          target = `≥ ${row.versus.minSpeedup}× faster`;
          met = speedup >= row.versus.minSpeedup ? 'yes' : 'no';
        }
        if (row.versus.target) target = row.versus.target;
      }
    }
    lines.push(`| ${row.name} | ${row.nsPerOp.toFixed(1)} | ${vs} | ${ratio} | ${target} | ${met} |`);
  }
  for (const note of result.notes ?? []) lines.push('', note);
  return lines.join('\n');
}
