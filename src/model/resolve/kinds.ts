// Device kinds and fabric presets: the catalogue's, overridden or extended by the scenario's
// `devices:` and `fabrics:`, and the kinds the scenario uses, numbered in order of first use.
import { canonicalDeviceName, DEVICE_ALIASES, DEVICE_CATALOGUE, FABRIC_PRESETS } from '../catalogue.js';
import { deviceSchema, fabricSchema, type DeviceKind, type FabricPreset } from '../../scenario/hardware-schema.js';
import type { KindInfo } from '../cluster.js';
import { implausibleFabricFigures, implausibleFabricLatency, implausibleFabricRate, implausiblePower, sizeWrittenInBits } from '../plausibility.js';
import { normaliseName, suggestName } from '../../scenario/did-you-mean.js';
import { formatSI } from '../../units/units.js';
import { zodIssues, type PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import type { ResolveContext } from './context.js';
import { mergedPeaks, peakMismatch } from './device-peaks.js';

export type UseKind = (name: string, path: readonly PathKey[]) => number | undefined;

export class KindBook {
  /** Every kind a scenario may name, by its canonical name. */
  readonly specs = new Map<string, DeviceKind>(Object.entries(DEVICE_CATALOGUE));
  readonly fabrics = new Map<string, FabricPreset>(Object.entries(FABRIC_PRESETS));
  /** New kinds and fabric presets whose definition is refused: their uses are not refused again as unknown. */
  private readonly refusedKinds = new Set<string>();
  readonly refusedFabrics = new Set<string>();
  /** The kinds the scenario uses, in order of first use (a kind's index is its place here). */
  readonly kinds: KindInfo[] = [];
  private readonly indexByName = new Map<string, number>();
  private readonly names: string[];

  constructor(
    scenario: Scenario,
    private readonly ctx: ResolveContext,
  ) {
    const { src, warn } = ctx;
    for (const [name, override] of Object.entries(scenario.devices)) {
      const base = this.specs.get(name);
      const merged = base ? { ...base, ...override, ...mergedPeaks(base, override), interconnect: { ...base.interconnect, ...(override.interconnect ?? {}) } } : override;
      const r = deviceSchema.safeParse(merged);
      const mismatch = r.success ? peakMismatch(r.data, (p) => override.peak_by_precision?.[p] !== undefined) : undefined;
      if (mismatch) {
        if (!base) this.refusedKinds.add(name);
        ctx.fail(['devices', name, ...mismatch.path], mismatch.message);
      } else if (r.success) {
        this.specs.set(name, r.data);
        this.idleAboveBusy(name, r.data, override, base !== undefined);
        for (const field of ['busy_power', 'idle_power'] as const) {
          if (override[field] !== undefined) implausiblePower(r.data[field], 'accelerator board', ['devices', name, field], src.scalarAt(['devices', name, field]), warn);
        }
        if (override.memory !== undefined) sizeWrittenInBits(r.data.memory, ['devices', name, 'memory'], src.scalarAt(['devices', name, 'memory']), warn);
        const link = override.interconnect;
        const linkAt: PathKey[] = ['devices', name, 'interconnect'];
        if (link?.bandwidth !== undefined) implausibleFabricRate(r.data.interconnect.bandwidth, 'link between the devices of a node', 'GB/s', [...linkAt, 'bandwidth'], src.scalarAt([...linkAt, 'bandwidth']), warn);
        if (link?.latency !== undefined) implausibleFabricLatency(r.data.interconnect.latency, 'latency between the devices of a node', 'us', [...linkAt, 'latency'], src.scalarAt([...linkAt, 'latency']), warn);
      } else if (!base && this.catalogueKindOf(name) !== undefined) {
        // A catalogue kind by an alias or in another case: the user meant to change that kind, not
        // to define one; refusing each missing field as a new kind's ("new device kind 'A100' needs
        // every field", six times) told them the wrong thing.
        const kind = this.catalogueKindOf(name)!;
        const missing = [...new Set(r.error.issues.map((i) => String(i.path[0] ?? '')).filter((k) => k !== '' && !(k in override)))];
        const how = DEVICE_ALIASES[normaliseName(name)] === kind ? `the catalogue's alias of '${kind}'` : `the catalogue's '${kind}' in another spelling`;
        this.refusedKinds.add(name);
        ctx.fail(['devices', name], `'${name}' is ${how}: an override is keyed by the kind's own name (\`${kind}:\`); a new kind needs a name of its own and every field (${missing.join(', ')})`);
      } else {
        // Said as the schema's other refusals are ("missing required field (expected a mapping)"),
        // not in zod's words ("Invalid input: expected object, received undefined").
        const data = { devices: { [name]: merged } };
        if (!base) this.refusedKinds.add(name);
        for (const i of zodIssues(r.error.issues, src, deviceSchema, data, ['devices', name])) {
          ctx.issues.push(base ? i : { ...i, message: `new device kind '${name}' needs every field: ${i.message}` });
        }
      }
    }
    for (const [name, override] of Object.entries(scenario.fabrics)) {
      const merged = { ...this.fabrics.get(name), ...override };
      const r = fabricSchema.safeParse(merged);
      if (r.success) {
        this.fabrics.set(name, r.data);
        implausibleFabricFigures(override, ['fabrics', name], src, warn);
      } else {
        const base = FABRIC_PRESETS[name as keyof typeof FABRIC_PRESETS];
        if (!base) this.refusedFabrics.add(name);
        for (const i of zodIssues(r.error.issues, src, fabricSchema, { fabrics: { [name]: merged } }, ['fabrics', name])) {
          ctx.issues.push(base ? i : { ...i, message: `new fabric preset '${name}' needs every field: ${i.message}` });
        }
      }
    }
    // A kind's usual fabric is looked up among the scenario's presets when its nodes' site names
    // none: a name that is none of them was read as plain 100G Ethernet without a word.
    for (const [name, override] of Object.entries(scenario.devices)) {
      const fabric = override.default_fabric;
      if (fabric === undefined || this.fabrics.has(fabric) || this.refusedFabrics.has(fabric)) continue;
      const guess = suggestName(fabric, [...this.fabrics.keys()]);
      ctx.fail(['devices', name, 'default_fabric'], `unknown fabric preset '${fabric}'${guess ? ` (did you mean '${guess}'?)` : ''}; expected one of: ${[...this.fabrics.keys()].join(', ')} (\`poolsim devices\` lists the catalogue's, and 'fabrics:' in the scenario adds presets)`);
    }
    this.names = [...this.specs.keys()];
  }

  /** The catalogue kind `name` reaches by an alias or another spelling ('A100', 'h100'), when it is not one's own name. */
  private catalogueKindOf(name: string): string | undefined {
    const kind = canonicalDeviceName(name);
    return kind !== undefined && kind !== name && DEVICE_CATALOGUE[kind] !== undefined ? kind : undefined;
  }

  /**
   * The kind a name in the scenario means: itself, a kind of another case, or a catalogue alias's
   * kind. A kind of another case comes first: a scenario's own 'A100' was 'a100' elsewhere in it,
   * not the catalogue's A100-80GB the alias names.
   */
  readonly canonicalOf = (name: string): string => (this.specs.has(name) ? name : (this.names.find((k) => k.toLowerCase() === name.toLowerCase()) ?? canonicalDeviceName(name) ?? name));

  /**
   * The kind named by the longest run of `name`'s leading parts that names one ('H100-SXM5-80GB':
   * 'H100'; 'A100-SXM4-80GB': 'A100', an alias of A100-80GB), for a did-you-mean: a vendor's full
   * name was answered by spelling alone with a kind of another generation ('V100-SXM2-16GB', four
   * characters off).
   */
  private kindOfLeadingParts(name: string): string | undefined {
    const parts = name.split(/[\s\-_.]+/);
    for (let n = parts.length - 1; n >= 1; n--) {
      const kind = this.canonicalOf(parts.slice(0, n).join('-'));
      if (this.specs.has(kind)) return kind;
    }
    return undefined;
  }

  /** The index of the kind `name` means, numbering it at its first use; undefined (refused at `path`) when unknown. */
  readonly useKind: UseKind = (name, path) => {
    const canonical = this.canonicalOf(name);
    const known = this.indexByName.get(canonical);
    if (known !== undefined) return known;
    const spec = this.specs.get(canonical);
    if (!spec) {
      if (this.refusedKinds.has(name)) return undefined; // its definition's problems are reported
      const guess = this.kindOfLeadingParts(name) ?? suggestName(name, this.names);
      this.ctx.fail(path, `unknown device kind '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; \`poolsim devices\` lists the catalogue, and 'devices:' in the scenario adds kinds`);
      return undefined;
    }
    const index = this.kinds.length;
    const fabric = this.fabrics.get(spec.default_fabric ?? '') ?? this.fabrics.get('Ethernet-100G')!;
    this.kinds.push({ index, name: canonical, spec, fabric });
    this.indexByName.set(canonical, index);
    return index;
  };

  /** The kind a trace's GPU model maps to: `device_map`'s, a kind of that name, or a catalogue alias's. */
  kindNameOfModel(model: string, deviceMap: Readonly<Record<string, string>>): string | undefined {
    return deviceMap[model] ?? (this.specs.has(model) ? model : canonicalDeviceName(model));
  }

  /**
   * A board draws more while it computes than while it idles: an idle power above the busy one
   * (a busy figure written in the idle field, or a new busy power under the catalogue's idle one)
   * made idle devices draw more than busy ones, so a run's energy rose as its utilisation fell.
   * Refused at the field the scenario wrote; equal figures (a constant draw) pass.
   */
  private idleAboveBusy(name: string, kind: DeviceKind, override: { busy_power?: number | undefined; idle_power?: number | undefined }, overridesCatalogue: boolean): void {
    // A busy power below any board's (`busy_power: 0.7`, meant in kW) is warned as such, with what was meant.
    if (!(kind.idle_power > kind.busy_power) || (override.busy_power !== undefined && kind.busy_power < 10)) return;
    const theKinds = (field: 'busy_power' | 'idle_power'): string => (overridesCatalogue && override[field] === undefined ? " (the kind's)" : '');
    const field = override.idle_power !== undefined ? 'idle_power' : 'busy_power';
    this.ctx.fail(
      ['devices', name, field],
      `idle_power ${formatSI(kind.idle_power, 'W')}${theKinds('idle_power')} is more than busy_power ${formatSI(kind.busy_power, 'W')}${theKinds('busy_power')}: a board draws more computing than idle, and energy would charge idle devices above busy ones; give the idle figure (nvidia-smi's power.draw of an idle board) below the busy one`,
    );
  }
}
