#!/usr/bin/env node
// The `poolsim` command: a command that simulates under the V8 flags it runs with (relaunch.ts), the
// others in place (a second process costs a Node start, about 0.1 s); the command line in program.ts.
import { simulates } from './command-list.js';
import { relaunchUnderFlags } from './relaunch.js';

if (!(simulates(process.argv.slice(2)) && relaunchUnderFlags(() => void import('./program.js')))) await import('./program.js');
