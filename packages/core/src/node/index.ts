// @isotel/core/node
export {};
