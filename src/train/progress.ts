/**
 * Progress for long work: a bar with ETA on a terminal (cli-progress), plain
 * lines at each quarter elsewhere (CI logs, pipes).
 */
import cliProgress from 'cli-progress';

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
  return {
    update(done, info = '') {
      while (total > 0 && done >= (nextQuarter * total) / 4 && nextQuarter <= 4) {
        const elapsed = (Date.now() - started) / 1000;
        const doneHere = done - startAt;
        const eta = doneHere > 0 ? (elapsed * (total - done)) / doneHere : 0;
        stream.write(`${label} ${nextQuarter * 25}% (${done}/${total}), ${elapsed.toFixed(0)} s elapsed, ETA ${eta.toFixed(0)} s ${info}\n`);
        nextQuarter++;
      }
    },
    stop() {},
  };
}
