/**
 * Progress for long work: a bar with ETA on a terminal (cli-progress), plain
 * lines elsewhere (CI logs, pipes): at each quarter, and at least every
 * PLAIN_LINE_EVERY_MS between them, so a long epoch is never silent for long.
 */
import cliProgress from 'cli-progress';

/** The longest a plain-line log stays silent while work goes on (5 minutes). */
export const PLAIN_LINE_EVERY_MS = 5 * 60_000;

export interface Progress {
  update(done: number, info?: string): void;
  stop(): void;
}

/** `startAt`: work already done before this process (a resumed epoch); the ETA counts only what this process does. */
export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr, startAt = 0): Progress {
  if (stream.isTTY && !process.env.CI) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% {value}/{total} | ETA {eta_formatted} | {info}`, stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, startAt, { info: '' });
    return {
      update: (done, info = '') => bar.update(done, { info }),
      stop: () => bar.stop(),
    };
  }
  let nextQuarter = Math.floor((4 * startAt) / Math.max(total, 1)) + 1;
  const started = Date.now();
  let lastLine = started;
  const line = (head: string, done: number, info: string) => {
    const elapsed = (Date.now() - started) / 1000;
    const doneHere = done - startAt;
    const eta = doneHere > 0 ? (elapsed * (total - done)) / doneHere : 0;
    stream.write(`${label} ${head} (${done}/${total}), ${elapsed.toFixed(0)} s elapsed, ETA ${eta.toFixed(0)} s ${info}\n`);
    lastLine = Date.now();
  };
  return {
    update(done, info = '') {
      let printed = false;
      while (total > 0 && done >= (nextQuarter * total) / 4 && nextQuarter <= 4) {
        line(`${nextQuarter * 25}%`, done, info);
        nextQuarter++;
        printed = true;
      }
      if (!printed && total > 0 && Date.now() - lastLine >= PLAIN_LINE_EVERY_MS) line(`${Math.floor((100 * done) / total)}%`, done, info);
    },
    stop() {},
  };
}
