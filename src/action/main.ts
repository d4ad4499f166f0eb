#!/usr/bin/env node
import { runAction } from './run-action.js';

// The GitHub Action's entry (action.yml runs `node dist/action/main.js`): reads the Actions environment.
process.exitCode = await runAction(process.env);
