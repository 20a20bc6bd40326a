import type { PageBridgeOptions } from './page-bridge.js';
import { PAGE_BRIDGE_BUNDLE } from './page-bridge-script.generated.js';

/**
 * The script that installs the page bridge with `options`, for `addInitScript` and `evaluate`:
 * the bundle of page-bridge.ts (sanitiser included), run in a function scope of its own so it
 * leaves no global behind. A function cannot be handed over instead: Playwright serialises it
 * with `Function.prototype.toString`, which drops everything it imports.
 */
export function pageBridgeScript(options: PageBridgeOptions): string {
  return `(() => {\n${PAGE_BRIDGE_BUNDLE}\nisotelPageBridge.installPageBridge(${JSON.stringify(options)});\n})();\n`;
}
