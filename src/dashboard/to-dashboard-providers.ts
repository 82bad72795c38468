import type { HealthStatus } from '../routing/health-status.js';
import type { DashboardProvider } from './dashboard-snapshot.js';

/** The router's health report as the dashboard shows it: one entry a provider, latencies in whole milliseconds. */
export function toDashboardProviders(health: Record<string, HealthStatus>): DashboardProvider[] {
  return Object.entries(health).map(([id, status]) => ({
    id,
    displayName: status.displayName,
    simulated: status.simulated,
    configured: status.configured,
    circuitState: status.circuitState,
    successRate: status.successRate,
    latencyP50Ms: roundOrNull(status.latencyP50Ms),
    latencyP95Ms: roundOrNull(status.latencyP95Ms),
    totalCalls: status.totalCalls,
    totalFailures: status.totalFailures,
    cooldownUntilMs: status.cooldownUntilMs,
    cooldownReason: status.cooldownReason,
    missingModels: status.missingModels,
    outboundProxy: status.outboundProxy,
  }));
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
