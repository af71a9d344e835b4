/**
 * The en2py web app: a JSON API over a loaded model and the page in ./public.
 *
 *   POST /api/generate  {prompt, beam?, samples?, temperature?, seed?, tests?, tries?} -> {code, alternatives, valid, tokens, words, attention, seed?, tests?, ms, ...}
 *   GET  /api/health    {ok, model, queue, busy}
 *   GET  /api/model     {name, config, parameters, members: [{parameters, config}], metrics, training, limits: {maxPromptChars}}
 *   GET  /              the page (index.html, app.js, style.css, examples.json)
 *
 * Built on node:http: the app has five routes and needs exact control over body
 * limits and error answers, which a framework would not make shorter, and it
 * adds no dependency. Generation runs in a worker thread (./workerGenerator.ts),
 * one request at a time (./queue.ts), so the event loop stays free for other
 * requests meanwhile. Validity is python3's `compile()` in one long-lived
 * process (./syntaxService.ts), which never runs the code. Generated code runs
 * only when the request gives `tests`, and then only in the sandbox
 * (src/eval/sandbox.ts: time and memory limits, no network, a throw-away directory).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { DEFAULT_MAX_REPEATS, type GenerateOptions, type Generation } from '../decode/generator.js';
import { parsingFirst } from '../decode/rerank.js';
import { DEFAULT_BEAM } from '../decode/search.js';
import { repoRoot } from '../paths.js';
import { highlightPython, type Span } from './highlight.js';
import { QueueFullError, SerialQueue } from './queue.js';
import { SyntaxService } from './syntaxService.js';
import { GenerationWorkerDied, type WorkerGenerator } from './workerGenerator.js';
import { checkTests, DEFAULT_TRIES, describeTestFilter, filterByTests, type TestFilterResult } from '../eval/userTests.js';

/** The page's files, served from the source tree (tsc copies no non-TS files). */
export const PUBLIC_DIR = path.join(repoRoot, 'src', 'server', 'public');

export interface AppOptions {
  /** Longest prompt accepted, in characters (default 500). */
  maxPromptChars?: number;
  /** Requests that may wait behind the running one before new ones get 503 (default 64). */
  maxQueue?: number;
  /** Largest request body, in bytes (default 16 KiB). */
  maxBodyBytes?: number;
  /** Largest beam and sample count a request may ask for (default 8). */
  maxBeam?: number;
  /** Longest output, in model tokens (default 256). */
  maxLen?: number;
  /** Called with one line per request that failed on the server's side. */
  log?: (line: string) => void;
}

export interface GenerateResponse {
  prompt: string;
  code: string;
  /** python3's compile() accepts `code` (nothing runs); null when python3 could not be run. */
  valid: boolean | null;
  /** Python's message when `code` does not parse. */
  syntaxError?: string;
  /** The most likely candidate did not parse, so `code` is the most likely one that does (tokens and attention are that one's). */
  reranked: boolean;
  alternatives: string[];
  alternativesValid: Array<boolean | null>;
  tokens: string[];
  words: string[];
  truncated: boolean;
  /** Last-layer cross-attention, one row per output step (the last may be <eos>) over `words`. */
  attention: number[][];
  highlight: { code: Span[]; alternatives: Span[][] };
  /** The shown code's function was renamed to the name the prompt gives it (src/decode/copyNames.ts). */
  renamed?: { from: string; to: string };
  /** With samples: the seed they were drawn with (send it back to draw the same ones; without one, each request draws anew). */
  seed?: number;
  /** With `tests`: what they chose (the answer is the first candidate that passed, else the most likely one). */
  tests?: Omit<TestFilterResult, 'code' | 'index'> & { candidate: number; note: string };
  /** Generation time, and time spent waiting in the queue. */
  ms: number;
  queuedMs: number;
}

/** The tests' result without the code (the answer's `code` is that code) and with a 1-based candidate number. */
function testSummary(t: TestFilterResult): Omit<TestFilterResult, 'code' | 'index'> & { candidate: number } {
  const { code: _code, index, ...rest } = t;
  return { ...rest, candidate: index + 1 };
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

/** Most candidates a request with tests may have run (each is one sandbox run of up to 3 s). */
const MAX_TRIES = 20;

/** Seeds are 31-bit, as `randomSeed` draws them. */
const MAX_SEED = 2 ** 31 - 1;

function requestSchema(maxPromptChars: number, maxBeam: number) {
  return z.strictObject({
    prompt: z.string({ error: 'prompt must be a string' })
      .refine((s) => s.trim().length > 0, 'prompt is empty: describe the code you want, e.g. "write a python function to add two numbers"')
      .refine((s) => s.length <= maxPromptChars, `prompt is too long: at most ${maxPromptChars} characters`),
    beam: z.number({ error: 'beam must be a number' }).int('beam must be an integer').min(1, 'beam must be at least 1').max(maxBeam, `beam must be at most ${maxBeam}`).optional(),
    samples: z.number({ error: 'samples must be a number' }).int('samples must be an integer').min(1, 'samples must be at least 1').max(maxBeam, `samples must be at most ${maxBeam}`).optional(),
    temperature: z.number({ error: 'temperature must be a number' }).gt(0, 'temperature must be above 0').max(2, 'temperature must be at most 2').optional(),
    seed: z.number({ error: 'seed must be a number' }).int('seed must be an integer').min(0, 'seed must be at least 0').max(MAX_SEED, `seed must be at most ${MAX_SEED}`).optional(),
    tests: z.array(z.string({ error: 'tests must be strings of Python, e.g. "assert f(3) == 6"' }).max(2000, 'a test is too long: at most 2000 characters'), { error: 'tests must be a list of Python statements, e.g. ["assert f(3) == 6"]' })
      .min(1, 'tests is empty: give at least one, e.g. ["assert f(3) == 6"], or leave the field out').max(20, 'tests: at most 20').optional(),
    tries: z.number({ error: 'tries must be a number' }).int('tries must be an integer').min(1, 'tries must be at least 1').max(MAX_TRIES, `tries must be at most ${MAX_TRIES}`).optional(),
  }, { error: (issue) => issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; expected prompt, beam, samples, temperature, seed, tests, tries` : undefined })
    .refine((r) => r.beam === undefined || r.samples === undefined, 'give beam or samples, not both')
    .refine((r) => r.temperature === undefined || r.samples !== undefined, 'temperature applies to sampling: give samples too')
    .refine((r) => r.seed === undefined || r.samples !== undefined || r.tests !== undefined, 'seed applies to sampling: give samples too')
    .refine((r) => r.tries === undefined || r.tests !== undefined, 'tries applies to tests: give tests too')
    .refine((r) => r.tests === undefined || r.samples === undefined, 'tests tries the beams, then samples: leave out samples (tries says how many candidates)');
}

/** Read the body, refusing more than `limit` bytes (the rest is drained, up to a hard cap, then the socket is closed). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit * 64) {
    return Promise.reject(new HttpError(413, `request body too large: at most ${limit} bytes`, { Connection: 'close' }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        if (size > limit * 64) {
          reject(new HttpError(413, `request body too large: at most ${limit} bytes`, { Connection: 'close' }));
          req.destroy();
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) reject(new HttpError(413, `request body too large: at most ${limit} bytes`));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The static files of the page, read once (names are fixed, so no path ever comes from the URL). */
function loadPublicFiles(dir: string): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type) files.set(`/${name}`, { type, body: readFileSync(path.join(dir, name)) });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}

export interface App {
  server: Server;
  /** The generation worker (stopped when the server closes). */
  generator: WorkerGenerator;
  queue: SerialQueue;
  /** Handle one generation request body (already parsed JSON); used by the server and by tests. */
  generate(body: unknown): Promise<GenerateResponse>;
}

/** The app over a started generation worker (WorkerGenerator.start(dir, {precision})). */
export function createApp(generator: WorkerGenerator, options: AppOptions = {}): App {
  const maxPromptChars = options.maxPromptChars ?? 500;
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024;
  const maxLen = options.maxLen ?? 256;
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const schema = requestSchema(maxPromptChars, options.maxBeam ?? 8);
  const queue = new SerialQueue(options.maxQueue ?? 64);
  const files = loadPublicFiles(PUBLIC_DIR);
  const info = generator.info;
  const syntax = new SyntaxService((message) => log(`en2py serve: ${message}`));

  /**
   * One generation in its turn; the errors a client should see become HTTP errors
   * (a full queue 503, the request's fault 400, a worker that died 500 saying so).
   */
  async function generateInTurn(prompt: string, opts: GenerateOptions, onStart?: () => void): Promise<Generation> {
    try {
      return await queue.push(() => {
        onStart?.();
        return generator.generate(prompt, opts);
      });
    } catch (err) {
      if (err instanceof QueueFullError) throw new HttpError(503, err.message, { 'Retry-After': '2' });
      if (err instanceof UserError) throw new HttpError(400, err.message);
      if (err instanceof GenerationWorkerDied) {
        log(`en2py serve: ${err.message}: ${err.reason}`);
        throw new HttpError(500, err.message);
      }
      throw err;
    }
  }

  async function generate(body: unknown): Promise<GenerateResponse> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new HttpError(400, 'expected a JSON object like {"prompt": "write a python function to add two numbers", "beam": 5}');
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length && !issue.message.startsWith(String(issue.path[0])) ? `${issue.path.join('.')}: ` : '';
      throw new HttpError(400, where + issue.message);
    }
    const r = parsed.data;
    if (r.tests) {
      try {
        await checkTests(r.tests, 'test');
      } catch (err) {
        if (err instanceof UserError) throw new HttpError(400, err.message);
        throw err;
      }
    }
    const queuedAt = performance.now();
    let queuedMs = 0;
    const g = await generateInTurn(r.prompt, {
      beam: r.beam ?? (r.samples ? undefined : DEFAULT_BEAM), samples: r.samples, temperature: r.temperature ?? 0.8, seed: r.seed, maxLen, attention: true,
      guard: true, maxRepeats: DEFAULT_MAX_REPEATS,
    }, () => { queuedMs = performance.now() - queuedAt; });
    // With tests: candidates (these beams, then samples, each drawn in the queue) run against them in the sandbox.
    let tested: TestFilterResult | undefined;
    let pool = g.candidates;
    if (r.tests) {
      const beams = g;
      tested = await filterByTests({
        beams: () => beams.candidates.map((c) => c.code),
        samples: async (n) => {
          const s = await generateInTurn(r.prompt, { samples: n, temperature: r.temperature ?? 0.8, seed: r.seed, maxLen, attention: true, guard: true, maxRepeats: DEFAULT_MAX_REPEATS });
          pool = [...pool, ...s.candidates];
          return s.candidates.map((c) => c.code);
        },
      }, r.tests, { tries: r.tries ?? DEFAULT_TRIES });
      const answer = pool[tested.index];
      pool = [answer, ...pool.filter((c) => c !== answer)];
    }
    // Beams often end in the same code by different token paths: show each text once.
    // (compared without trailing whitespace: one beam may end in an extra newline).
    const seen = new Set<string>();
    const unique = pool.filter((c) => !seen.has(c.code.trimEnd()) && seen.add(c.code.trimEnd()));
    const checks = await syntax.check(unique.map((c) => c.code));
    // Rerank by parse: when the most likely code does not parse, the most likely alternative that does is
    // shown, with its own tokens and attention. With tests, the tests chose: no rerank.
    const parses = tested ? checks.map((_, i) => i === 0) : checks.map((c) => c?.ok === true);
    const { ordered: [shown, ...others], reranked } = parsingFirst(unique, parses);
    const [main, ...alts] = parsingFirst(checks, parses).ordered;
    const code = shown.code;
    const alternatives = others.map((c) => c.code);
    return {
      prompt: r.prompt,
      code,
      reranked,
      valid: main ? main.ok : null,
      ...(main && !main.ok ? { syntaxError: main.line ? `line ${main.line}: ${main.message}` : main.message } : {}),
      alternatives,
      alternativesValid: alts.map((c) => (c ? c.ok : null)),
      tokens: shown.tokens,
      words: g.words,
      truncated: g.truncated,
      attention: (shown.attention ?? []).map((row) => row.map(round)),
      highlight: { code: highlightPython(code), alternatives: alternatives.map(highlightPython) },
      ...(shown.renamed ? { renamed: shown.renamed } : {}),
      ...(g.seed === undefined ? {} : { seed: g.seed }),
      ...(tested ? { tests: { ...testSummary(tested), note: describeTestFilter(tested, r.tests!.length) } } : {}),
      ms: Math.round(g.ms * 10) / 10,
      queuedMs: Math.round(queuedMs * 10) / 10,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname;
    const method = req.method ?? 'GET';
    const allow = (methods: string) => {
      if (!methods.split(', ').includes(method)) throw new HttpError(405, `${method} is not allowed on ${route}; use ${methods}`, { Allow: methods });
    };

    if (route === '/api/generate') {
      allow('POST');
      const type = String(req.headers['content-type'] ?? '');
      if (!/^application\/json\b/i.test(type)) {
        req.resume();
        throw new HttpError(415, 'send the body as JSON with Content-Type: application/json');
      }
      const raw = await readBody(req, maxBodyBytes);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        throw new HttpError(400, `the body is not valid JSON (${(err as Error).message})`);
      }
      sendJson(res, 200, await generate(body));
      return;
    }
    if (route === '/api/health') {
      allow('GET, HEAD');
      sendJson(res, 200, { ok: true, model: info.name, queue: queue.length, busy: queue.busy });
      return;
    }
    if (route === '/api/model') {
      allow('GET, HEAD');
      sendJson(res, 200, {
        name: info.name, config: info.config, parameters: info.parameters, members: info.members, metrics: info.metrics, training: info.training,
        limits: { maxPromptChars },
      });
      return;
    }
    if (route.startsWith('/api/')) throw new HttpError(404, `no such API route: ${route} (there are /api/generate, /api/health, /api/model)`);
    const file = files.get(route);
    if (!file) throw new HttpError(404, `not found: ${route}`);
    allow('GET, HEAD');
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Content-Length': file.body.length, 'Cache-Control': 'no-cache' });
    res.end(method === 'HEAD' ? undefined : file.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) {
        sendJson(res, err.status, { error: err.message }, err.headers);
        if (err.headers.Connection === 'close') res.on('finish', () => req.socket.destroySoon?.());
        return;
      }
      log(`en2py serve: ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      sendJson(res, 500, { error: 'internal error while handling the request (see the server log)' });
    });
  });
  server.on('close', () => {
    syntax.close();
    generator.close();
  });
  // Slow or idle clients must not hold connections forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  return { server, generator, queue, generate };
}

/** Listen on host:port (port 0 = any free port); resolves with the address actually bound. */
export function listen(server: Server, port: number, host: string): Promise<{ host: string; port: number; url: string }> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : port;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({ host, port: bound, url: `http://${shown}:${bound}/` });
    });
  });
}
