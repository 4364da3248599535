// poolsim's own version, from its package.json (src/cli and dist/cli both sit two levels below it).
// yargs' default looked for the package.json nearest the command's path: in a project that installed
// poolsim that is node_modules/.bin's project, so `npx poolsim --version` printed the user's version.
import { createRequire } from 'node:module';

export function cliVersion(): string {
  const require = createRequire(import.meta.url);
  return String((require('../../package.json') as { version?: unknown }).version ?? '0.0.0');
}
