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
  /** The content type of each request, in arrival order (`application/json`, `application/x-protobuf`). */
  readonly protocols: string[];
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
  const protocols: string[] = [];
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
      protocols.push(req.headers['content-type'] ?? '');
      const json = (
        req.headers['content-type'] === 'application/x-protobuf'
          ? fromProtobuf(req.url ?? '', body)
          : JSON.parse(body.toString('utf8'))
      ) as Record<string, Record<string, unknown>[]>;
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
    protocols,
    status: 200,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

// OTLP/HTTP protobuf bodies, read into the shape of their JSON encoding (only the fields the tests
// read), so one path counts both. Field numbers are those of opentelemetry-proto.
type Fields = Map<number, (Buffer | bigint)[]>;

function fieldsOf(buffer: Buffer): Fields {
  const fields: Fields = new Map();
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[at++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (at < buffer.length) {
    const tag = Number(varint());
    const [field, wire] = [tag >>> 3, tag & 7];
    let value: Buffer | bigint;
    if (wire === 0) value = varint();
    else if (wire === 1) {
      value = buffer.subarray(at, at + 8);
      at += 8;
    } else if (wire === 2) {
      const length = Number(varint());
      value = buffer.subarray(at, at + length);
      at += length;
    } else if (wire === 5) {
      value = buffer.subarray(at, at + 4);
      at += 4;
    } else throw new Error(`unexpected protobuf wire type ${wire}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const bytes = (f: Fields, n: number): Buffer => {
  const v = f.get(n)?.[0];
  if (!Buffer.isBuffer(v)) throw new Error(`protobuf field ${n} is not length-delimited or fixed`);
  return v;
};
const all = (f: Fields, n: number) => (f.get(n) ?? []).filter((v): v is Buffer => Buffer.isBuffer(v)).map(fieldsOf);
const text = (f: Fields, n: number) => (f.get(n)?.[0] as Buffer | undefined)?.toString('utf8');
const number = (f: Fields, n: number) => {
  const v = f.get(n)?.[0];
  return typeof v === 'bigint' ? Number(v) : v === undefined ? undefined : Number(v.readBigUInt64LE());
};

function anyValue(f: Fields): JsonValue {
  if (f.has(1)) return { stringValue: text(f, 1) as string };
  if (f.has(2)) return { boolValue: f.get(2)?.[0] === 1n };
  if (f.has(3)) return { intValue: Number(BigInt.asIntN(64, f.get(3)?.[0] as bigint)) };
  if (f.has(4)) return { doubleValue: bytes(f, 4).readDoubleLE() };
  if (f.has(5)) return { arrayValue: { values: all(all(f, 5)[0] as Fields, 1).map(anyValue) } };
  if (f.has(6)) return { kvlistValue: { values: keyValues(all(f, 6)[0] as Fields, 1) } };
  return {};
}

function keyValues(f: Fields, n: number): KeyValue[] {
  return all(f, n).map((kv) => ({ key: text(kv, 1) as string, value: anyValue(all(kv, 2)[0] ?? new Map()) }));
}

function point(p: Fields, attributes: number): Record<string, unknown> {
  const raw: Record<string, unknown> = { attributes: keyValues(p, attributes) };
  if (p.has(4) && attributes === 7) raw.asDouble = bytes(p, 4).readDoubleLE();
  if (p.has(6) && attributes === 7) raw.asInt = Number(bytes(p, 6).readBigInt64LE());
  if (attributes === 9) raw.count = number(p, 4);
  return raw;
}

function fromProtobuf(path: string, body: Buffer): Record<string, unknown> {
  const request = fieldsOf(body);
  const resource = (r: Fields) => ({ attributes: keyValues(all(r, 1)[0] ?? new Map(), 1) });
  if (path.endsWith('/v1/traces')) {
    return {
      resourceSpans: all(request, 1).map((rs) => ({
        resource: resource(rs),
        scopeSpans: all(rs, 2).map((ss) => ({
          spans: all(ss, 2).map((span) => ({ name: text(span, 5), attributes: keyValues(span, 9) })),
        })),
      })),
    };
  }
  if (path.endsWith('/v1/logs')) {
    return {
      resourceLogs: all(request, 1).map((rl) => ({
        resource: resource(rl),
        scopeLogs: all(rl, 2).map((sl) => ({
          logRecords: all(sl, 2).map((log) => ({
            severityNumber: number(log, 2),
            severityText: text(log, 3),
            attributes: keyValues(log, 6),
            eventName: text(log, 12),
          })),
        })),
      })),
    };
  }
  return {
    resourceMetrics: all(request, 1).map((rm) => ({
      resource: resource(rm),
      scopeMetrics: all(rm, 2).map((sm) => ({
        metrics: all(sm, 2).map((m) => {
          const data = (n: number, attributes: number) => ({
            dataPoints: all(all(m, n)[0] ?? new Map(), 1).map((p) => point(p, attributes)),
          });
          return {
            name: text(m, 1),
            ...(m.has(5) ? { gauge: data(5, 7) } : {}),
            ...(m.has(7) ? { sum: data(7, 7) } : {}),
            ...(m.has(9) ? { histogram: data(9, 9) } : {}),
          };
        }),
      })),
    })),
  };
}
