/**
 * Prometheus metrics in the text exposition format (version 0.0.4), written by hand: a handful of counters and
 * one latency histogram do not need a client library. Label values are escaped as the format requires.
 */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  buckets: number[];
  count: number;
  sum: number;
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly tokens = new Map<string, number>();
  private readonly inputs = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly started = Date.now();
  /** Label strings by route/method/status, built once: escaping them on every request showed in profiles. */
  private readonly keyCache = new Map<string, { request: string; route: string }>();

  /** One finished request: its route pattern (not the raw URL, to bound cardinality), method, status, seconds. */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const raw = `${route}\u0000${method}\u0000${status}`;
    let keys = this.keyCache.get(raw);
    if (!keys) this.keyCache.set(raw, (keys = { request: labels({ route, method, status: String(status) }), route: labels({ route }) }));
    inc(this.requests, keys.request);
    let h = this.latency.get(keys.route);
    if (!h) this.latency.set(keys.route, (h = { buckets: new Array(LATENCY_BUCKETS.length).fill(0), count: 0, sum: 0 }));
    // Buckets are cumulative in the exposition format; counting only the first matching bucket keeps this O(1)
    // per request and render() adds them up.
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) i++;
    if (i < LATENCY_BUCKETS.length) h.buckets[i]++;
    h.count++;
    h.sum += seconds;
  }

  observeEmbeddings(model: string, inputs: number, tokens: number): void {
    inc(this.tokens, labels({ model }), tokens);
    inc(this.inputs, labels({ model }), inputs);
  }

  observeError(type: string, code: string | null): void {
    inc(this.errors, labels({ type, code: code ?? '' }));
  }

  render(): string {
    const out: string[] = [];
    counter(out, 'embedkit_http_requests_total', 'HTTP requests by route, method and status.', this.requests);
    out.push('# HELP embedkit_http_request_duration_seconds Time to answer a request, by route.');
    out.push('# TYPE embedkit_http_request_duration_seconds histogram');
    for (const [key, h] of this.latency) {
      const inner = key.slice(1, -1);
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        cumulative += h.buckets[i];
        out.push(`embedkit_http_request_duration_seconds_bucket{${inner},le="${le}"} ${cumulative}`);
      });
      out.push(`embedkit_http_request_duration_seconds_bucket{${inner},le="+Inf"} ${h.count}`);
      out.push(`embedkit_http_request_duration_seconds_sum${key} ${h.sum}`);
      out.push(`embedkit_http_request_duration_seconds_count${key} ${h.count}`);
    }
    counter(out, 'embedkit_embedding_tokens_total', 'Tokens encoded by /v1/embeddings, by model.', this.tokens);
    counter(out, 'embedkit_embedding_inputs_total', 'Inputs encoded by /v1/embeddings, by model.', this.inputs);
    counter(out, 'embedkit_errors_total', 'Error responses by OpenAI error type and code.', this.errors);
    const mem = process.memoryUsage();
    gauge(out, 'embedkit_process_resident_memory_bytes', 'Resident set size.', mem.rss);
    gauge(out, 'embedkit_process_heap_used_bytes', 'V8 heap in use.', mem.heapUsed);
    gauge(out, 'embedkit_uptime_seconds', 'Seconds since the server started.', (Date.now() - this.started) / 1000);
    return `${out.join('\n')}\n`;
  }
}

function inc(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function labels(values: Record<string, string>): string {
  const parts = Object.entries(values).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return `{${parts.join(',')}}`;
}

function counter(out: string[], name: string, help: string, values: Map<string, number>): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
  for (const [key, v] of values) out.push(`${name}${key} ${v}`);
}

function gauge(out: string[], name: string, help: string, value: number): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
}
