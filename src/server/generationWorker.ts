// The generation worker thread's entry point (started by ./workerGenerator.ts).
import { runGenerationWorker } from './workerLoop.js';

runGenerationWorker();
