#!/usr/bin/env node
import { runAction } from './run-action.js';

// The GitHub Action's entry (action.yml runs `node dist/action/main.js`): reads the Actions environment.
// Cancelling the workflow run sends SIGINT (then SIGTERM): the review stops posting and its check run
// completes `cancelled` instead of staying in progress.
const controller = new AbortController();
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.once(name, () => controller.abort(new Error(`shutting down: the workflow run was cancelled (${name})`)));
}
process.exitCode = await runAction(process.env, controller.signal);
