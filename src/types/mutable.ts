/**
 * A type helper for building objects of the readonly types here. Types only.
 */

/** A readonly shape made writable, for building an object field by field (cheaper than conditional spreads). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
