// A loopback OTLP/HTTP receiver for tests: decodes the JSON the SDK's exporters post and keeps
// every span, log record and metric data point with its resource, so tests count exactly.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

type JsonValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: JsonValue[] };
  kvlistValue?: { values?: KeyValue[] };
};
type KeyValue = { key: string; value: JsonValue };

export interface ReceivedRecord {
  readonly resource: Record<string, unknown>;
  readonly attributes: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
  readonly raw: Record<string, unknown>;
}

export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedRecord[];
  readonly logs: ReceivedRecord[];
  /** One entry per data point: the metric's name and its value (sums and gauges) or count (histograms). */
  readonly points: (ReceivedRecord & { name: string; value: number })[];
  /** Request paths in arrival order. */
  readonly paths: string[];
  /** The status it answers; records are kept only when it is 200. @default 200 */
  status: number;
  close(): Promise<void>;
}

export function value(v: JsonValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(value);
  if (v.kvlistValue !== undefined) return attributesOf(v.kvlistValue.values);
  return null;
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value: v } of list ?? []) out[key] = value(v);
  return out;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedRecord[] = [];
  const logs: ReceivedRecord[] = [];
  const points: (ReceivedRecord & { name: string; value: number })[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      paths.push(req.url ?? '');
      if (receiver.status !== 200) {
        res.writeHead(receiver.status, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const json = JSON.parse(body.toString('utf8')) as Record<string, Record<string, unknown>[]>;
      const headers = req.headers;
      for (const rs of json.resourceSpans ?? []) {
        const resource = attributesOf((rs.resource as { attributes?: KeyValue[] }).attributes);
        for (const ss of rs.scopeSpans as { spans: Record<string, unknown>[] }[])
          for (const raw of ss.spans)
            spans.push({ resource, attributes: attributesOf(raw.attributes as KeyValue[]), headers, raw });
      }
      for (const rl of json.resourceLogs ?? []) {
        const resource = attributesOf((rl.resource as { attributes?: KeyValue[] }).attributes);
        for (const sl of rl.scopeLogs as { logRecords: Record<string, unknown>[] }[])
          for (const raw of sl.logRecords)
            logs.push({ resource, attributes: attributesOf(raw.attributes as KeyValue[]), headers, raw });
      }
      for (const rm of json.resourceMetrics ?? []) {
        const resource = attributesOf((rm.resource as { attributes?: KeyValue[] }).attributes);
        for (const sm of rm.scopeMetrics as { metrics: Record<string, Record<string, unknown>>[] }[])
          for (const metric of sm.metrics) {
            const name = metric.name as unknown as string;
            const data = metric.sum ?? metric.gauge ?? metric.histogram;
            for (const raw of (data?.dataPoints ?? []) as Record<string, unknown>[]) {
              const v = raw.asDouble ?? raw.asInt ?? raw.count;
              points.push({
                resource,
                attributes: attributesOf(raw.attributes as KeyValue[]),
                headers,
                raw,
                name,
                value: Number(v),
              });
            }
          }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: OtlpReceiver = {
    url: `http://127.0.0.1:${port}`,
    spans,
    logs,
    points,
    paths,
    status: 200,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
