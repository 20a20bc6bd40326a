// @isotel/core/playwright: read the events a page emits, from Playwright tests.
export { expect } from '@playwright/test';
export type { EventExpectation, ExpectedFields, ExpectedValue } from './expectation.js';
export { type TelemetryFixtures, telemetryFixtures, test } from './fixture.js';
export type { BridgedEvent, PageBridgeOptions } from './page-bridge.js';
export {
  attachTelemetry,
  type EventFilter,
  type ExpectNoEventOptions,
  type PageEvent,
  PageTelemetry,
  type WaitForEventOptions,
} from './page-telemetry.js';
