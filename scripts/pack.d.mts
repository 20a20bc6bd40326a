/** The repository's root folder. */
export const root: string;

/** The published packages: name, folder, and where its build info is kept. */
export const PACKAGES: readonly { name: string; dir: string; tsbuildinfo: string }[];

/** Rebuilds each package's `dist` from nothing, so no file of an older build is packed. */
export function cleanBuild(): void;

/**
 * Packs the packages into `destination` (after a clean build unless `build` is false) with `npm
 * pack`; returns each tarball's path by package name.
 *
 * @example const tarballs = packAll('/tmp/packs') // { '@isotel/core': '/tmp/packs/isotel-core-0.1.0.tgz', ... }
 */
export function packAll(destination: string, options?: { build?: boolean }): Record<string, string>;
