// One description per scenario field, keyed by its path in the file (`datacentres[].pue`;
// `<name>` stands for a key the user chooses). `poolsim schema` puts them into the JSON Schema
// (editors show them on hover and completion) and docs/scenario-reference.md is generated from that
// schema. A test fails when a field has no description here, or a description names no field.
// Blocks used in several places (a fabric, a device kind, a distribution) are written once below.

type Docs = Record<string, string>;

/** `table`'s entries under `prefix`. */
function under(prefix: string, table: Docs): Docs {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [`${prefix}.${k}`, v]));
}

const POLICY_REF: Docs = {
  name: 'Built-in name, or a path to a module file (a plug-in: .mjs, .js, .cjs, .ts, .mts, .cts) relative to the scenario.',
  params: 'Parameters of that policy, checked against its own schema (`poolsim policies` lists them).',
};

const FABRIC: Docs = {
  description: 'Human-readable description.',
  transport: 'Transport family (infiniband, roce, ethernet, ici, other); how it behaves is in the figures below, not in the name.',
  port_rate: "Line rate of one port (one NIC), e.g. '400Gbps'.",
  hop_latency: "Latency added per switch hop, e.g. '200ns'.",
  endpoint_latency: "NIC and host latency added once per message, end to end, e.g. '1us'.",
  efficiency: 'Fraction of the line rate a large flow reaches on an idle fabric, in (0, 1].',
  congestion_efficiency: 'Fraction of a contended link left useful when several flows share it (1 = ideal max-min; RoCE loses some to pauses and retransmissions), in (0, 1].',
  source: 'Where the figures come from.',
};

const INTERCONNECT: Docs = {
  name: "Name of the intra-node interconnect, e.g. 'NVLink4'.",
  bandwidth: "Unidirectional bandwidth of one device into the node's interconnect, e.g. '450GB/s'.",
  latency: "One-way latency of a transfer between two devices of a node, e.g. '2us'.",
  efficiency: 'Fraction of `bandwidth` that large collectives reach (bus bandwidth / link rate), in (0, 1].',
};

const DEVICE: Docs = {
  description: 'Human-readable full name.',
  vendor: 'Vendor.',
  class: 'gpu, tpu, npu, or server (a row that bundles several devices, as a DGX-2 does).',
  peak: "Dense peak at the default training precision (bf16, fp16 where there is none), e.g. '989TFLOPS'.",
  peak_by_precision: 'Dense peaks per precision (fp8, bf16, fp16, tf32, fp32, int8); `peak` stands in for a precision not given.',
  memory: "Device memory, e.g. '80GiB'.",
  memory_bandwidth: "Memory bandwidth, e.g. '3.35TB/s'.",
  busy_power: "Power drawn while running a job, e.g. '700W'.",
  idle_power: 'Power drawn while allocated to nothing.',
  efficiency: "Kernel efficiency: the fraction of peak a well-tuned training step's compute reaches, before communication and bubbles, in (0, 1]; used for jobs without a model and for kinds without `gemm_efficiency`.",
  gemm_efficiency: 'Fraction of peak a large GEMM sustains on this kind (microbenchmarks), in (0, 1]; with it, training steps are timed operator by operator (docs/calibration.md).',
  compute_units: 'Compute units (SMs, CUs, MXUs) a GEMM is spread over, for wave quantisation.',
  interconnect: 'Interconnect between the devices of one node.',
  devices_per_node: 'Usual devices per node.',
  default_fabric: 'Name of the usual scale-out fabric preset.',
  source: 'Where the figures come from.',
  ...under('interconnect', INTERCONNECT),
};

const MODEL: Docs = {
  layers: 'Transformer layers; from the well-known family of this size when absent.',
  hidden_size: 'Hidden (model) dimension; from the well-known family of this size when absent.',
  seq_len: "Tokens per sequence, e.g. 4096 or '8k'.",
  global_batch: "Tokens per optimizer step (the global batch), e.g. '16M'.",
  recompute: "Activation recomputation: 'full' (each layer's forward again in the backward pass; keeps only its input), 'selective' (attention scores only; the default), 'none'; true = 'full', false = 'selective'.",
  heads: 'Attention heads; hidden_size / 128 when absent.',
  kv_heads: 'Key/value heads (grouped-query attention); `heads` when absent.',
  ffn_size: 'FFN inner width; 4 x hidden_size (8/3 x with gated_mlp) when absent.',
  gated_mlp: 'Gated (SwiGLU) MLP with three FFN matrices, as Llama; default false.',
  vocab: 'Vocabulary size (the output layer); 51200 when absent.',
  attention: "Attention kernel: 'standard' (scores through memory, as the published runs of 2020-2022; the default) or 'flash' (FlashAttention: set it for any stack since 2023).",
  sequence_parallel: 'Megatron sequence parallelism: norms and dropouts on 1/tp of the tokens; default on with `attention: flash`, off with standard attention (as before 2022).',
  gradient_bytes: 'Bytes per gradient element in the data-parallel reduction (4 = fp32), in (0, 16].',
};

const LAYOUT: Docs = {
  tp: 'Tensor-parallel degree (devices a layer is split over; best within one node).',
  cp: 'Context-parallel degree: each sequence split over cp ranks (the sequence must divide into 2 x cp chunks); keys and values all-gathered per layer, as Llama 3 ran 128K sequences. Default 1.',
  pp: 'Pipeline-parallel stages.',
  dp: 'Data-parallel replicas; tp x cp x pp x dp must equal the devices.',
  micro_batches: 'Micro-batches per step in the pipeline (at least `pp`); the bubble is (pp - 1) / (micro_batches x virtual_stages) of a step.',
  virtual_stages: 'Interleaved pipeline schedule: model chunks per device (layers must divide by pp x virtual_stages).',
  sharded: 'Sharded data parallelism (ZeRO-2 / FSDP without resharding): weight all-gather and gradient reduce-scatter; gradients and optimizer state take 1/dp of the memory.',
  zero: 'ZeRO stage 0-3: 1 shards the optimizer state over data-parallel ranks, 2 also the gradients (= sharded: true), 3 (FSDP with resharding) also the weights, gathered for every micro-batch; overrides `sharded`.',
};

const FAILURE_PROCESS: Docs = {
  mtbf: "Mean time between failures of one unit, e.g. '50000h' (beyond the run's length means no failure).",
  distribution: 'Time between failures: exponential, or weibull (with `shape`).',
  shape: 'Weibull shape k in [0.1, 10] (k < 1: failures cluster early, as infant mortality does).',
  repair: 'Time to repair or replace; the unit is out of service meanwhile.',
};

const DISTRIBUTION: Docs = {
  distribution: 'fixed, exponential, lognormal, uniform or empirical (a bare value means fixed).',
  value: 'The value (fixed).',
  mean: 'Mean (exponential).',
  median: 'Median, exp(mu) (lognormal).',
  sigma: 'Standard deviation of the underlying normal, in [0, 10] (lognormal).',
  min: 'Lower bound (uniform; optional truncation for lognormal).',
  max: 'Upper bound (uniform; optional truncation for lognormal).',
  values: 'Values to draw from (empirical).',
  weights: 'Relative weight of each value, >= 0 and not all zero; equal weights when absent (empirical).',
};

/** A field that takes a distribution: its description and its distribution's fields. */
function distributed(path: string, what: string): Docs {
  return { [path]: `${what}: a value, or a distribution of values.`, ...under(path, DISTRIBUTION) };
}

const QUEUE_FIELD = 'The tenant queue it is submitted to (one of `tenants.queues`).';

const TRAINING_WORK: Docs = {
  model: 'Model shape beyond its size (layers, width, sequence, batch): used by the step-time and memory models.',
  layout: 'Parallel layout (tp x cp x pp x dp = devices); chosen automatically when absent.',
  params: "Model parameters, e.g. 175e9 or '175B'.",
  tokens: "Training tokens, e.g. '300B'.",
  work: "Useful work directly, in FLOP (instead of params and tokens), e.g. '3.1e23'.",
  efficiency: 'Kernel efficiency of this job (fraction of peak its compute reaches); the device kind\'s when absent.',
  reference_device: 'Device kind a `duration` was measured on (its run time there, alone).',
  device_kinds: 'Device kinds the job may run on (any when absent).',
  priority: 'Priority (higher first for policies that use it).',
  queue: QUEUE_FIELD,
  job_type: "Its row of the scenario's `throughputs` matrix: it runs at that row's measured speed on each kind (no `efficiency` with it), and only on kinds the row lists.",
  ...under('model', MODEL),
  ...under('layout', LAYOUT),
};

const JOB: Docs = {
  ...TRAINING_WORK,
  name: 'Job name, unique in the scenario (generated when absent).',
  submit: "Submission time, e.g. '2h' (0 when absent).",
  devices: 'Devices the job needs (all at once: a gang).',
  duration: "Run time on `reference_device` alone, e.g. '6h' (instead of params and tokens or work).",
};

const GENERATOR: Docs = {
  name: 'Prefix of the generated jobs\' names.',
  count: 'Number of jobs to generate (or give `until`).',
  until: 'Stop generating at this time.',
  start: 'Time of the first arrival.',
  arrival: 'Arrival process of the jobs.',
  'arrival.process': 'poisson (exponential inter-arrival times) or fixed (a constant interval).',
  'arrival.rate': "Mean arrival rate, e.g. '10/h' (poisson; or give mean_interval).",
  'arrival.mean_interval': "Mean time between arrivals, e.g. '6min' (poisson).",
  'arrival.interval': 'Time between arrivals (fixed).',
  efficiency: TRAINING_WORK.efficiency!,
  reference_device: TRAINING_WORK.reference_device!,
  device_kinds: TRAINING_WORK.device_kinds!,
  model: TRAINING_WORK.model!,
  queue: 'The tenant queue its jobs are submitted to (one of `tenants.queues`).',
  job_type: TRAINING_WORK.job_type!,
  ...under('model', MODEL),
  ...distributed('devices', 'Devices per job'),
  ...distributed('duration', 'Run time per job on `reference_device`'),
  ...distributed('params', 'Model parameters per job'),
  ...distributed('tokens', 'Training tokens per job'),
  ...distributed('priority', 'Priority per job'),
};

const TRACE: Docs = {
  name: 'Name of this workload (prefix of job names when ids clash).',
  format: 'alibaba-openb, philly, or csv (give `mapping`).',
  path: 'Trace file, relative to the scenario file (.gz read transparently).',
  mapping: 'Which columns hold what, for format csv.',
  'mapping.submit': 'Column of the submission time.',
  'mapping.duration': 'Column of the run time (or give `end`).',
  'mapping.end': 'Column of the end time (run time = end - submit).',
  'mapping.devices': 'Column of the devices (GPUs) requested.',
  'mapping.gpu_milli': 'Column of the share of one GPU requested, in thousandths (GPU-sharing pods).',
  'mapping.allowed_models': 'Column listing the GPU models the job may run on.',
  'mapping.id': 'Column of the job id.',
  'mapping.group': 'Column of the group, user or QoS class (keys of `priority`).',
  'mapping.time_format': 'How times are written: seconds (numbers), iso (ISO 8601), unix (epoch seconds).',
  'mapping.time_unit': 'Unit of numeric times: s, ms, us, min or h.',
  'mapping.models_separator': 'Separator between the models in `allowed_models`.',
  reference_device: 'Device kind the recorded run times were measured on.',
  efficiency: 'Kernel efficiency on the reference kind (its catalogue figure when absent).',
  runtime: "How a run time carries over to other kinds: 'fixed' (the same on any kind) or 'scale' (work = run time on the reference kind; faster kinds finish sooner).",
  device_map: "Trace GPU model -> catalogue device kind, e.g. { V100M32: V100-SXM2-32GB }.",
  window: 'Keep jobs submitted in [start, end) of the trace\'s time; time 0 becomes `start`.',
  'window.start': 'Start of the window (0 when absent).',
  'window.end': 'End of the window (the end of the trace when absent).',
  sample: 'Keep this fraction of jobs, in (0, 1] (deterministic in the seed).',
  time_scale: 'Multiply submission times: 0.5 halves inter-arrival times (doubles the load), in (0, 1e6].',
  max_jobs: 'Keep only the first N jobs, in submission order.',
  include_pending: 'Keep Alibaba pods that were never scheduled (run time = deletion - creation).',
  priority: 'Priority per QoS class or group, e.g. { LS: 2, BE: 0 } (0 when absent).',
  queue: 'The tenant queue its jobs are submitted to (one of `tenants.queues`).',
};

const TENANT_QUEUE: Docs = {
  name: 'Queue name (a Kueue ClusterQueue), unique in the scenario; jobs name it in `queue`.',
  cohort: "Cohort: queues of one cohort borrow each other's unused quota.",
  weight: 'Fair-sharing weight (Kueue fairSharing.weight), in [0, 1e6]; 0 is always first to be preempted.',
  queueing: 'best-effort-fifo: a job that does not fit does not block later ones; strict-fifo: it does.',
  quota: "Devices per device kind (a Kueue ResourceFlavor), in the order kinds are tried: a number (nominal) or { nominal, borrowing_limit, lending_limit }.",
  'quota.<name>.nominal': 'Devices of this kind guaranteed to the queue (Kueue nominalQuota).',
  'quota.<name>.borrowing_limit': 'At most this many devices above nominal, borrowed from the cohort (unlimited when absent).',
  'quota.<name>.lending_limit': 'At most this many of its unused nominal devices lent to the cohort (all when absent; at most nominal).',
  preemption: 'What the queue may preempt to admit its jobs (Kueue ClusterQueue preemption).',
  'preemption.within_queue': 'Preempt jobs of the same queue: never, lower-priority, or lower-or-newer-equal-priority.',
  'preemption.reclaim_within_cohort': 'Reclaim its nominal quota from borrowing queues of the cohort: never, lower-priority, or any.',
  'preemption.borrow_within_cohort': 'While borrowing, preempt lower-priority jobs of other borrowing queues.',
  'preemption.borrow_within_cohort.policy': 'never, or lower-priority.',
  'preemption.borrow_within_cohort.max_priority_threshold': 'Only jobs at or below this priority may be preempted so.',
};

const ARRIVAL: Docs = {
  process: 'poisson, gamma, on-off, diurnal, or trace (a request trace file).',
  rate: "Mean request rate, e.g. '20/s'.",
  cv: 'Coefficient of variation of inter-arrival times (gamma; > 1 is bursty), in [0.001, 100].',
  on: 'Mean length of an on period (on-off; exponential).',
  off: 'Mean length of an off period (on-off; exponential).',
  hourly: 'Daily profile: 24 hourly rates (diurnal).',
  peak: 'Highest rate of a sinusoidal day (diurnal).',
  trough: 'Lowest rate of a sinusoidal day (diurnal).',
  peak_hour: 'Hour of the peak, in [0, 24) (diurnal).',
  file: 'Request trace CSV (columns timestamp, prompt_tokens, output_tokens), relative to the scenario (trace).',
  csv: 'The request trace inline, as CSV text (trace).',
  relative: 'Subtract the first timestamp (traces often use epoch seconds).',
};

const AUTOSCALE: Docs = {
  min: 'Fewest replicas.',
  max: 'Most replicas.',
  target_queue: 'Target outstanding requests (queued and in the batch) per replica.',
  target_utilisation: 'Target fraction of batch slots in use over the serving replicas, in (0, 1].',
  interval: 'How often the autoscaler looks.',
  scale_up_delay: 'From the decision to a serving replica (devices held while weights load).',
  scale_down_delay: 'Load must stay below target this long before replicas are removed.',
  preempt_training: 'Preempt training jobs (they checkpoint first) when no devices are free for a new replica.',
};

const REPLICAS: Docs = {
  count: 'A fixed number of replicas (or give `autoscale`).',
  autoscale: 'Autoscaling between `min` and `max` replicas.',
  ...under('autoscale', AUTOSCALE),
  tensor_parallel: 'Devices per replica, all in one node.',
  device: 'Device kind of the replicas.',
  datacentre: 'Data centre, or list of data centres, the replicas are spread over.',
  efficiency: "Fraction of peak the replica's matrix multiplies reach; the kind's efficiency when absent.",
  memory_efficiency: 'Fraction of memory bandwidth a decode step reaches, in (0, 1].',
  memory_utilisation: "Fraction of device memory for weights and KV cache (vLLM's gpu_memory_utilization), in (0, 1].",
  step_overhead: 'Fixed time per iteration (scheduling, sampling, kernel launches).',
};

const POOL: Docs = {
  ...REPLICAS,
  count: 'Replicas in the pool (a fixed number; autoscaling of disaggregated pools is not modelled yet).',
  max_batch: "Sequences in one iteration of the pool's replicas; the service's `max_batch` when absent.",
  max_batch_tokens: "Prompt tokens in one prefill iteration (vLLM's max_num_batched_tokens); no limit when absent. A longer prompt runs alone.",
};

const SERVICE: Docs = {
  name: 'Service name, unique in the scenario.',
  model: 'The model served.',
  'model.params': "Parameters, e.g. '70B'.",
  'model.precision_bytes': 'Bytes per weight and KV-cache element: 2 (bf16, fp16) or 1 (fp8, int8), in (0, 16].',
  'model.layers': 'Layers; from the well-known family of this size when absent.',
  'model.hidden_size': 'Hidden dimension; from the well-known family of this size when absent.',
  'model.kv_heads': 'Key/value heads (grouped-query attention).',
  'model.head_dim': 'Dimension of one head (KV width = kv_heads x head_dim).',
  'model.kv_bytes_per_token': 'KV-cache bytes per token directly (overrides the shape; 0 treats the cache as free).',
  replicas: 'Colocated replicas (prefill and decode on the same devices): their hardware and how many. Or give `prefill` and `decode`.',
  ...under('replicas', REPLICAS),
  prefill: 'Disaggregated serving: the pool that processes prompts (its first token comes from here); the KV cache then moves to a decode replica as a network flow.',
  ...under('prefill', POOL),
  decode: 'Disaggregated serving: the pool that receives the KV cache and generates the remaining tokens.',
  ...under('decode', POOL),
  max_batch: 'Sequences in a replica\'s running batch (continuous batching).',
  balancer: 'Load balancer: a built-in name, a plug-in file, or { name, params }.',
  ...under('balancer', POLICY_REF),
  slo: 'Latency objectives; a request attains the SLO when it meets all of those given.',
  'slo.ttft': 'Time to first token.',
  'slo.tpot': 'Time per output token after the first.',
  'slo.e2e': 'End-to-end latency.',
  'slo.admission': "Reject on arrival, and count in requests_rejected, a request its replica could not serve within `ttft` or `tpot` even at best (the queue's prefills and its own, then a decode step with it in the batch); colocated replicas only. Default false.",
  regions: "One-way network latency from each client region to each data centre, e.g. { eu: { east: '5ms' } }.",
  streams: 'Request streams.',
  'streams[].name': 'Stream name.',
  'streams[].region': 'Client region (a key of `regions`); no network distance when absent.',
  'streams[].arrival': 'Arrival process of the requests.',
  ...under('streams[].arrival', ARRIVAL),
  ...distributed('streams[].prompt_tokens', 'Prompt tokens per request (traces carry their own)'),
  ...distributed('streams[].output_tokens', 'Output tokens per request (traces carry their own)'),
  'streams[].start': 'First arrival no earlier than this.',
  'streams[].until': 'No arrivals from this time on.',
  'streams[].count': 'At most this many requests.',
};

const THRESHOLD: Docs = {
  min: "Lowest acceptable value: a number, a percentage ('30%') or a duration ('1h').",
  max: "Highest acceptable value: a number, a percentage ('30%') or a duration ('1h').",
};

export const FIELD_DOCS: Readonly<Docs> = {
  name: 'Scenario name (letters, digits, . _ + -); names the results folder.',
  description: 'What the scenario is for.',
  seed: 'Seed of every random stream (the same seed gives the same bytes).',
  horizon: "Stop the simulation here, e.g. '30d'; jobs still running or waiting are reported as such.",
  devices: 'Catalogue overrides and new device kinds, by name (a new kind needs every required field).',
  ...under('devices.<name>', DEVICE),
  fabrics: 'Fabric preset overrides and new presets, by name.',
  ...under('fabrics.<name>', FABRIC),
  datacentres: 'Data centres (sites) and their nodes.',
  'datacentres[].name': 'Data centre name, unique in the scenario.',
  'datacentres[].pue': 'Power usage effectiveness (facility power / IT power), in [1, 10].',
  'datacentres[].electricity_price': 'Price per kWh in the scenario\'s currency: one figure or 24 hourly figures.',
  'datacentres[].carbon_intensity': 'kg CO2 per kWh, in [0, 10]: one figure or 24 hourly figures.',
  'datacentres[].fabric': 'Scale-out fabric: a preset name (IB-NDR, RoCE-400G, ...) or a preset with overrides.',
  'datacentres[].fabric.preset': 'The preset the overrides apply to.',
  ...under('datacentres[].fabric', FABRIC),
  'datacentres[].nodes_per_leaf': 'Nodes attached to one leaf switch.',
  'datacentres[].oversubscription': 'Leaf downlink : uplink capacity ratio (1 = non-blocking), in [1, 1000].',
  'datacentres[].node_groups': 'Groups of identical nodes.',
  'datacentres[].node_groups[].name': 'Group name (generated when absent).',
  'datacentres[].node_groups[].count': 'Number of nodes.',
  'datacentres[].node_groups[].device': "Device kind, from the catalogue or the scenario's `devices`.",
  'datacentres[].node_groups[].devices_per_node': "Devices per node; the kind's usual count when absent.",
  'datacentres[].node_groups[].nics': 'Scale-out NICs per node (one per device when absent).',
  'datacentres[].node_groups[].nic_rate': "Rate of each NIC; the fabric's port rate when absent.",
  'datacentres[].node_groups[].host_power': 'Host power per node (CPUs, memory, NICs, fans), drawn whether or not its devices are busy.',
  'datacentres[].nodes_from': "Node groups read from a trace's node list, added to `node_groups`.",
  'datacentres[].nodes_from.format': 'Node list format: alibaba-openb.',
  'datacentres[].nodes_from.path': 'Node list CSV, relative to the scenario file.',
  'datacentres[].nodes_from.device_map': 'Trace GPU model -> catalogue device kind.',
  links: 'Links between data centres (full duplex).',
  'links[].name': 'Link name (generated when absent).',
  'links[].between': 'The two data centres it joins.',
  'links[].latency': "One-way latency, e.g. '2ms' (about 5 us per km of fibre).",
  'links[].bandwidth': "Capacity in each direction, e.g. '400Gbps'.",
  'links[].efficiency': 'Fraction of the bandwidth usable by data (protocol overheads), in (0, 1].',
  'links[].window': "Bytes in flight per connection (TCP window, RDMA in-flight limit), e.g. '16MiB': each connection is capped at window / RTT.",
  workloads: 'Training workloads: listed jobs, a generator, or a trace.',
  'workloads[].jobs': 'Jobs listed one by one (each workload is one of jobs, generator or trace).',
  ...under('workloads[].jobs[]', JOB),
  'workloads[].generator': 'Jobs drawn from distributions, arriving by a process.',
  ...under('workloads[].generator', GENERATOR),
  'workloads[].trace': 'Jobs replayed from a recorded trace.',
  ...under('workloads[].trace', TRACE),
  services: 'Inference services: model, replicas, load balancer and request streams.',
  ...under('services[]', SERVICE),
  policy: 'Queue policy: which waiting job next (a built-in name, a plug-in file, or { name, params }).',
  ...under('policy', POLICY_REF),
  placement: 'Placement policy: which devices for it (a built-in name, a plug-in file, or { name, params }).',
  ...under('placement', POLICY_REF),
  network: "Network model: 'flow' shares every link max-min fairly between its flows and derives step times from it; 'ideal' ignores the network.",
  transfers: 'Data transfers between data centres (datasets, checkpoints), before or after jobs.',
  'transfers[].name': 'Transfer name, unique in the scenario.',
  'transfers[].from': 'Data centre it leaves.',
  'transfers[].to': 'Data centre it goes to.',
  'transfers[].size': "Bytes to move, e.g. '2TB'.",
  'transfers[].start': 'Start time (when neither `after` nor `before` ties it to a job).',
  'transfers[].after': 'Start when this job finishes (e.g. moving its checkpoint).',
  'transfers[].before': 'This job is held until the transfer completes (e.g. its dataset must arrive first).',
  'transfers[].connections': "Parallel connections it opens; each is capped at a link's window / RTT.",
  expect: 'What `poolsim check` verifies: thresholds on metrics and relations between policies.',
  'expect.seeds': 'Replications averaged over: seeds seed_base .. seed_base + seeds - 1.',
  'expect.seed_base': 'First seed of the replications.',
  'expect.metrics': "Thresholds on the scenario's own policy's mean metrics, by metric name.",
  ...under('expect.metrics.<name>', THRESHOLD),
  'expect.policies': 'Thresholds for other policies run on the same seeds, by policy then metric.',
  ...under('expect.policies.<name>.<name>', THRESHOLD),
  'expect.relations': "Relations between policies, e.g. EASY's p95 queueing delay at least 10% below FIFO's.",
  'expect.relations[].metric': 'Metric compared (a column of summary.csv, or services.<name>.<metric>).',
  'expect.relations[].policy': 'The policy the relation is about.',
  'expect.relations[].below': "Its mean must be below this policy's by at least `at_least`.",
  'expect.relations[].above': "Its mean must be above this policy's by at least `at_least`.",
  'expect.relations[].at_least': "Relative margin, e.g. '10%' or 0.1 (0 when absent).",
  failures: 'Hardware failures, repairs and stragglers (their own random stream: turning them off changes nothing else).',
  'failures.devices': 'Device failures, per device kind.',
  ...under('failures.devices.<name>', FAILURE_PROCESS),
  'failures.nodes': 'Whole-node failures (host, NIC, power), any kind.',
  ...under('failures.nodes', FAILURE_PROCESS),
  'failures.links': 'Inter-DC link failures.',
  ...under('failures.links', FAILURE_PROCESS),
  'failures.stragglers': "Devices slower than nominal, per kind: a synchronous job runs at its slowest device's pace.",
  'failures.stragglers.<name>.fraction': 'Fraction of the devices of that kind that straggle, in [0, 1].',
  'failures.stragglers.<name>.slowdown': 'Their pace relative to nominal, in (0, 1].',
  checkpointing: 'Periodic checkpoints of training jobs, and the cost of restarting from one after a failure.',
  'checkpointing.interval': "Progress time between checkpoints, or 'auto' (Young/Daly from the job's failure rate and checkpoint cost).",
  'checkpointing.cost': 'Time to write one checkpoint (no progress meanwhile).',
  'checkpointing.restart': 'Time to restart from a checkpoint after a failure (reschedule, load, warm up).',
  tenants: "Tenants: queues with quotas per device kind, cohorts that borrow and lend, preemption and fair sharing (Kueue's semantics), admitting jobs before the scheduling policy sees them.",
  'tenants.fair_sharing': 'Preemption-based fair sharing of borrowable quota between the queues of a cohort (Kueue fairSharing): true, false, or { enabled, strategies }.',
  'tenants.fair_sharing.enabled': 'Whether fair sharing is on.',
  'tenants.fair_sharing.strategies': "Kueue's preemption strategies, tried in order: less-than-or-equal-to-final-share, less-than-initial-share.",
  'tenants.queues': 'The queues (Kueue ClusterQueues).',
  ...under('tenants.queues[]', TENANT_QUEUE),
  tenants_from: 'Tenants read from Kueue manifests (ClusterQueue, LocalQueue, ResourceFlavor, Cohort) instead of `tenants`; jobs may name a LocalQueue or a ClusterQueue.',
  'tenants_from.format': "The manifests' format: kueue.",
  'tenants_from.path': 'The manifests, one YAML file of documents separated by ---, relative to the scenario file.',
  'tenants_from.flavors': 'ResourceFlavor name -> device kind, for flavours not named after a kind of the pool.',
  'tenants_from.fair_sharing': "Kueue's fair sharing (set in its Configuration, not in the manifests): true, false, or { enabled, strategies }.",
  'tenants_from.fair_sharing.enabled': 'Whether fair sharing is on.',
  'tenants_from.fair_sharing.strategies': "Kueue's preemption strategies, tried in order: less-than-or-equal-to-final-share, less-than-initial-share.",
  throughputs: "Measured throughput per job type and device kind, e.g. { resnet50: { V100: 4.4, P100: 2.6, K80: 0.62 } } (Gavel's steps/s; only ratios within a row count): jobs with that `job_type` run at these relative speeds, scaled so the kind they suit best reaches its peak x efficiency.",
  preemption: 'What suspending a running job costs (preemptive policies pay it).',
  'preemption.checkpoint': 'Time to write a checkpoint when preempted; devices stay held, no progress.',
  'preemption.restore': 'Time to restore from it on restart; devices held, no progress.',
};
