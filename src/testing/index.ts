/**
 * `backup-models/testing`: a local provider double for tests, benchmarks and demos. It replays the six
 * providers' recorded traffic (shipped with the package) and injects faults per request.
 */
export { startProviderTestServer } from './provider-test-server.js';
export type { ProviderTestServer, ProviderTestServerOptions } from './provider-test-server.js';
export type { RecordedRequest, RequestOutcome, WaitOptions } from './request-log.js';
export type {
  ErrorBehavior,
  ErrorEventAfterEventsBehavior,
  LatencyMs,
  MalformedJsonBehavior,
  OversizedBehavior,
  PingsOnlyBehavior,
  ProviderBehavior,
  ProviderBehaviorKind,
  RecordedResponseOptions,
  ResetAfterEventsBehavior,
  ResetBeforeHeadersBehavior,
  StallAfterEventsBehavior,
  StallBeforeHeadersBehavior,
  StatusBehavior,
  SuccessBehavior,
  TrickleBehavior,
  TruncateAfterEventsBehavior,
} from './provider-behavior.js';
export { fixturesDirectoryEnv, findSharedFixturesDirectory, resolveFixturesDirectory } from './fixtures-directory.js';
export { splitSseEvents } from './sse-events.js';
