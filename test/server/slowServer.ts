// Test helper, run as its own process by api.test.ts: `en2py serve`'s app on a
// given model with a queue of one and a generator that holds the CPU for 400 ms
// per request (as a big model would), so that a burst of clients fills the queue.
// Prints the URL on stdout. Usage: node slowServer.js MODEL_DIR
import { loadModel } from '../../src/model/bundle.js';
import { createApp, listen } from '../../src/server/app.js';

const app = createApp(loadModel(process.argv[2]), { maxQueue: 1, log: () => {} });
const generate = app.generator.generate.bind(app.generator);
app.generator.generate = (sentence, opts) => {
  const until = Date.now() + 400;
  while (Date.now() < until) { /* busy, like a real generation */ }
  return generate(sentence, opts);
};
const { url } = await listen(app.server, 0, '127.0.0.1');
process.stdout.write(`en2py serve: test server at ${url}\n`);
