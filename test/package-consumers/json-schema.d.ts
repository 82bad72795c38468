/** What @ai-sdk/provider's declarations import from `json-schema` (it ships no types of its own). */
declare module 'json-schema' {
  export interface JSONSchema7 {
    readonly [keyword: string]: unknown;
  }
  export type JSONSchema7Definition = JSONSchema7 | boolean;
}
