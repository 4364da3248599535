// The `yaml` package for code that only reads documents others parsed (SourceMap in errors.ts):
// loaded at its first use, since a SourceMap walks nodes only when it has a parsed document, and
// the threads that never parse one (the command line's of `run`, `compare` and `sweep`, which
// report input errors with SourceMaps) then do without it: about 60 ms of CPU at their start.
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let yaml: Yaml | undefined;

/** `yaml` as `import` gives it: under Node its CommonJS build, one module in one cache for both. */
export function yamlModule(): Yaml {
  return (yaml ??= createRequire(import.meta.url)('yaml') as Yaml);
}
