/** Where the generated page-script module lives. */
export const GENERATED_PATH: string;
/** The global the bundle assigns, inside the function scope `pageBridgeScript` wraps it in. */
export const BUNDLE_GLOBAL: string;
/** The text `page-bridge-script.generated.ts` should have for the current sources. */
export function renderPageBridgeModule(): Promise<string>;
