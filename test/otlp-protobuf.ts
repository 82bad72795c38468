/**
 * A collector's reading of an OTLP/HTTP protobuf export (`application/x-protobuf`), for the tracing tests: the body
 * decoded by protobufjs against the part of opentelemetry-proto's messages the tests read
 * (https://github.com/open-telemetry/opentelemetry-proto: collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
 * common/v1/common.proto, resource/v1/resource.proto; field numbers as there), and handed back in the shape of OTLP's
 * JSON encoding (camelCase names, ids as hex, 64-bit integers as strings), so one reading serves both encodings.
 * Fields not declared here (events, links, status, times) are skipped by the decoder, as protobuf's readers do.
 */
import protobuf from 'protobufjs';

const otlpTraceProto = `
syntax = "proto3";
package opentelemetry.proto;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; }
message Resource { repeated KeyValue attributes = 1; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  repeated KeyValue attributes = 9;
}
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
`;

const exportTraceServiceRequest = protobuf.parse(otlpTraceProto).root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');

interface DecodedSpan {
  traceId: Uint8Array | string;
  spanId: Uint8Array | string;
  parentSpanId?: Uint8Array | string;
}
interface DecodedRequest {
  resourceSpans?: { scopeSpans?: { spans?: DecodedSpan[] }[] }[];
}

const hex = (bytes: Uint8Array | string | undefined): string => (bytes === undefined ? '' : Buffer.from(bytes as Uint8Array).toString('hex'));

/** The body decoded, in OTLP's JSON shape: ids as lower-case hex (an absent parent as ''), int64 values as strings. */
export function decodeOtlpTraceExport(body: Uint8Array): unknown {
  const request = exportTraceServiceRequest.toObject(exportTraceServiceRequest.decode(body), { longs: String, arrays: true }) as DecodedRequest;
  for (const resourceSpans of request.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        span.traceId = hex(span.traceId);
        span.spanId = hex(span.spanId);
        span.parentSpanId = hex(span.parentSpanId);
      }
    }
  }
  return request;
}
