/** Container guards for JSON of unknown shape, beside the shared scalar ones in read-json-value.ts. */
import { isRecord, type JsonRecord } from '../read-json-value.js';

export function asRecord(value: unknown): JsonRecord | undefined {
  return isRecord(value) ? value : undefined;
}

export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
