// @isotel/core/otel
export {};
