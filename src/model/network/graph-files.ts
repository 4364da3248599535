// Graph topologies given as files (`topology: { kind: graph, path: FILE }`): each read, parsed and
// checked by the inline form's schema, with every problem located in that file, then put in place
// of the block so that the rest of loading sees the inline form.
import { isAbsolute, join } from 'node:path';
import { InputError, SourceMap, zodIssues, type InputIssue, type PathKey } from '../../scenario/errors.js';
import { parseYaml } from '../../scenario/parse-yaml.js';
import { InputFileError } from '../../scenario/read-input-file.js';
import { MAX_SCENARIO_BYTES } from '../../scenario/limits.js';
import { graphSchema } from './fabrics/graph.js';

/** How the loader reads files named by the scenario (LoadOptions' fields of the same names). */
export interface GraphFileAccess {
  readonly readFile?: ((path: string) => string) | undefined;
  readonly baseDir?: string | undefined;
}

/**
 * `topology: { kind: graph, path: FILE }`: the graph's switches, attach, links and border read
 * from a YAML (or JSON) file relative to the scenario, validated by the inline form's own schema
 * (graphSchema) with every issue located in that file, then put in place of the block so the rest
 * of loading sees the inline form. Returns, per data centre index, the file's SourceMap (to locate
 * the later checks that need the node count in the file too). Throws InputError on any problem.
 */
export function readGraphFiles(data: object, src: SourceMap, io: GraphFileAccess): Map<number, SourceMap> {
  const out = new Map<number, SourceMap>();
  const dcs = (data as { datacentres?: unknown }).datacentres;
  if (!Array.isArray(dcs)) return out;
  const issues: InputIssue[] = [];
  dcs.forEach((dc: unknown, di) => {
    const topology = dc && typeof dc === 'object' ? (dc as { topology?: unknown }).topology : undefined;
    if (!topology || typeof topology !== 'object' || Array.isArray(topology)) return;
    const block = topology as Record<string, unknown>;
    if (block.kind !== 'graph' || !('path' in block)) return;
    const at: PathKey[] = ['datacentres', di, 'topology'];
    const inline = Object.keys(block).filter((k) => k !== 'kind' && k !== 'path');
    if (inline.length > 0) {
      issues.push(src.issue(at, `give the graph either inline (switches, attach, links, border) or in a file (path), not both: remove ${inline.join(', ')} or path`, inline[0]));
      return;
    }
    const path = block.path;
    if (typeof path !== 'string' || path.length === 0) {
      issues.push(src.issue([...at, 'path'], 'expected the path of a YAML or JSON file describing the graph (switches, attach, links, border), relative to the scenario file'));
      return;
    }
    if (!io.readFile) {
      issues.push(src.issue([...at, 'path'], 'this scenario reads a graph file, but it was loaded from text without file access'));
      return;
    }
    const full = io.baseDir && !isAbsolute(path) ? join(io.baseDir, path) : path;
    let text: string;
    try {
      text = io.readFile(full);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = e instanceof InputFileError ? `: ${e.reason}` : code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : '';
      issues.push(src.issue([...at, 'path'], `cannot read '${full}'${why}`));
      return;
    }
    if (Buffer.byteLength(text, 'utf8') > MAX_SCENARIO_BYTES) {
      issues.push(src.issue([...at, 'path'], `'${full}' is larger than ${MAX_SCENARIO_BYTES / 2 ** 20} MiB, the most a graph file may hold`));
      return;
    }
    let parsed: ReturnType<typeof parseYaml>;
    try {
      parsed = parseYaml(text, path);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(...e.issues);
      return;
    }
    const fileSrc = new SourceMap(path, parsed.doc, parsed.lines);
    const fileData = parsed.data;
    if (!fileData || typeof fileData !== 'object' || Array.isArray(fileData)) {
      issues.push({ file: path, line: 1, column: 1, path: '', message: 'expected a mapping with switches, attach, links and (optionally) border' });
      return;
    }
    // The file may say `kind: graph` or leave it out; anything else is refused by the schema's literal.
    const graph = 'kind' in fileData ? fileData : { kind: 'graph', ...fileData };
    const checked = graphSchema.safeParse(graph);
    if (!checked.success) {
      issues.push(...zodIssues(checked.error.issues, fileSrc, graphSchema, graph));
      return;
    }
    (dc as { topology: unknown }).topology = graph;
    out.set(di, fileSrc);
  });
  if (issues.length > 0) throw new InputError(issues);
  return out;
}
