// Scenario text for replica-timing tests: one node of `device` and one service of one replica of
// `model` on it, one request, so that a test reads the service's timing as the loader builds it.
import type { ResolvedScenario } from '../src/model/load-scenario.js';
import { scenarioFromText } from './helpers.js';

/** The scenario `name`: one replica of `model` on `tp` devices of `device`; `extra` ends the replicas' mapping (`, efficiency: 0.5`). */
export const oneReplicaService = (name: string, device: string, tp: number, model: string, extra = ''): string => `name: ${name}
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: ${device} }]
services:
  - name: s
    model: ${model}
    replicas: { count: 1, device: ${device}, datacentre: dc, tensor_parallel: ${tp}${extra} }
    streams:
      - arrival: { process: poisson, rate: 1/s }
        count: 1
`;

/** The one service's timing, the scenario read as `file`. */
export const serviceTiming = (text: string, file: string): ResolvedScenario['services'][number]['timing'] => scenarioFromText(text, file).services[0]!.timing;
