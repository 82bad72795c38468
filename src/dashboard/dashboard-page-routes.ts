/**
 * The dashboard's page and its assets: `GET /` (the login form instead, while a key is needed and the browser
 * has no session), and the script and stylesheet, which hold no data and are served to anyone.
 */
import type { DashboardAuth } from './dashboard-auth.js';
import { dashboardPage } from './dashboard-page.js';
import { type DashboardRoute, htmlContentType, refuseDashboardRequest, sendDashboardResponse } from './dashboard-responses.js';
import { dashboardScript } from './dashboard-script.js';
import { dashboardStyle } from './dashboard-style.js';

export function dashboardPageRoutes(options: { readonly auth: DashboardAuth }): DashboardRoute[] {
  const { auth } = options;
  return [
    {
      method: 'GET',
      path: '/',
      handle: async (request, response) => {
        const access = await auth.access(request);
        if (access.outcome !== 'allowed') refuseDashboardRequest(response, access, { page: true });
        else sendDashboardResponse(response, { status: 200, type: htmlContentType, body: dashboardPage({ signedIn: auth.required }) });
      },
    },
    {
      method: 'GET',
      path: '/dashboard/app.js',
      handle: (_request, response) => sendDashboardResponse(response, { status: 200, type: 'text/javascript; charset=utf-8', body: dashboardScript, headers: { 'cache-control': 'no-cache' } }),
    },
    {
      method: 'GET',
      path: '/dashboard/app.css',
      handle: (_request, response) => sendDashboardResponse(response, { status: 200, type: 'text/css; charset=utf-8', body: dashboardStyle, headers: { 'cache-control': 'no-cache' } }),
    },
  ];
}
