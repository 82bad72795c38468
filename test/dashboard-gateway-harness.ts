/**
 * A gateway harness with its dashboard attached and clients that connect from loopback addresses of their own:
 * the setup of the tests of failed key attempts, trusted proxies and the Forwarded header, which sign in to the
 * dashboard and call the gateway as different clients.
 */
import { attachDashboard, type Dashboard } from '../src/dashboard/attach-dashboard.js';
import { type GatewayHarness, startGatewayHarness } from './gateway-harness.js';
import { LoopbackClients } from './loopback-clients.js';

export interface DashboardGatewayHarness {
  readonly harness: GatewayHarness;
  readonly dashboard: Dashboard;
  readonly clients: LoopbackClients;
  close(): Promise<void>;
}

export async function startDashboardGatewayHarness(options: Parameters<typeof startGatewayHarness>[0]): Promise<DashboardGatewayHarness> {
  const harness = await startGatewayHarness(options);
  const dashboard = attachDashboard({ gateway: harness.gateway, router: harness.router, keys: harness.config.keyPolicies, sampleIntervalMs: 100 });
  const clients = new LoopbackClients(harness.url);
  return {
    harness,
    dashboard,
    clients,
    close: async () => {
      dashboard.close();
      await harness.close();
      await clients.close();
    },
  };
}
