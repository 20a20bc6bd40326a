// @isotel/core/playwright
export {};
