/** The version of `@isotel/core` this copy is. */
export const VERSION = '0.1.0';
