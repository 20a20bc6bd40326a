// @isotel/core/testing: helpers for testing instrumentation.
export { type CapturedEvent, captureEvents, type EventCapture, type WaitForOptions } from './capture-events.js';
