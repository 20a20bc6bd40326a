// @isotel/core/browser
export {};
