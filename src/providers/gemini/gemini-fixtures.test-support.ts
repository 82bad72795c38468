/** Test support: the recorded Gemini traffic. Not shipped: only tests import it. */
import { recordedFixtures } from '../../testing/shared-fixtures.test-support.js';

export const {
  readFixtureText,
  readFixtureJson,
  readFixtureResponseHeaders,
  readFixtureRequestHeaders,
  readFixtureSseEvents,
  readFixtureJsonlEvents,
} = recordedFixtures('gemini');
