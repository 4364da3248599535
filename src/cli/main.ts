#!/usr/bin/env node
// The `poolsim` command: under the V8 flags it runs with (relaunch.ts), the command line in program.ts.
import { relaunchUnderFlags } from './relaunch.js';

if (!relaunchUnderFlags(() => void import('./program.js'))) await import('./program.js');
