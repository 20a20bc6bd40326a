// The panel's stylesheet, inside its shadow root: nothing leaks in or out. `:host { all: initial }`
// stops inherited host styles (font, color, line-height) from reaching the panel.

/**
 * The z-index of the toggle button and the panel: high enough to sit above app overlays, one
 * step below the maximum so an app can still put something above the devtools.
 */
export const DEVTOOLS_Z_INDEX = 2147483000;

/** Height of one event row, in CSS pixels (rows are virtualised, so all have this height). */
export const ROW_HEIGHT = 22;

export const STYLES = `
:host { all: initial; }
.root {
  --bg: #ffffff; --fg: #1b1f24; --muted: #5b6470; --border: #d0d7de; --accent: #0b66d6;
  --row-alt: #f6f8fa; --selected: #dbeafe; --error: #b42318; --ok: #137333; --warn: #9a6700;
  --on-accent: #ffffff; --selected-muted: #4b5563;
  font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  color: var(--fg);
}
.root[data-theme='dark'] {
  --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #30363d; --accent: #4493f8;
  --row-alt: #161b22; --selected: #1f3a5f; --error: #ff7b72; --ok: #3fb950; --warn: #d29922;
  --on-accent: #0d1117; --selected-muted: #b8c0ca;
}
@media (prefers-color-scheme: dark) {
  .root[data-theme='system'] {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #30363d; --accent: #4493f8;
    --row-alt: #161b22; --selected: #1f3a5f; --error: #ff7b72; --ok: #3fb950; --warn: #d29922;
    --on-accent: #0d1117; --selected-muted: #b8c0ca;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
button, input, select { font: inherit; color: inherit; }
button { background: var(--bg); border: 1px solid var(--border); border-radius: 4px; padding: 2px 8px; cursor: pointer; }
button:hover { border-color: var(--accent); }
button:focus-visible, input:focus-visible, select:focus-visible, [tabindex]:focus-visible {
  outline: 2px solid var(--accent); outline-offset: 1px;
}
button[aria-pressed='true'] { background: var(--selected); }
input[type='text'], input[type='number'], input:not([type]) {
  background: var(--bg); border: 1px solid var(--border); border-radius: 4px; padding: 2px 6px;
}
.toggle {
  position: fixed; z-index: ${DEVTOOLS_Z_INDEX}; background: var(--bg); color: var(--fg);
  border: 1px solid var(--border); border-radius: 16px; padding: 4px 12px; box-shadow: 0 2px 8px rgba(0,0,0,.2);
}
.toggle[data-position='bottom-right'] { right: 12px; bottom: 12px; }
.toggle[data-position='bottom-left'] { left: 12px; bottom: 12px; }
.toggle[data-position='top-right'] { right: 12px; top: 12px; }
.toggle[data-position='top-left'] { left: 12px; top: 12px; }
.panel {
  position: fixed; left: 0; right: 0; bottom: 0; z-index: ${DEVTOOLS_Z_INDEX};
  display: flex; flex-direction: column; background: var(--bg); color: var(--fg);
  border-top: 1px solid var(--border); box-shadow: 0 -2px 12px rgba(0,0,0,.15); contain: layout paint;
}
.panel[hidden] { display: none; }
.separator { height: 6px; cursor: ns-resize; background: var(--border); flex: none; }
.separator:focus-visible { background: var(--accent); }
.header { display: flex; align-items: center; gap: 8px; padding: 4px 8px; border-bottom: 1px solid var(--border); flex: none; }
.header h2 { font-size: 12px; margin: 0 8px 0 0; }
.header > :not(.tablist) { flex: none; }
.tablist { display: flex; gap: 2px; flex: 1; min-width: 0; overflow-x: auto; scrollbar-width: thin; }
/* tabs cut by a narrow window fade out on the side that has more (overlay scrollbars hide) */
.tablist[data-more='end'] { -webkit-mask-image: linear-gradient(to right, #000 calc(100% - 32px), transparent); mask-image: linear-gradient(to right, #000 calc(100% - 32px), transparent); }
.tablist[data-more='start'] { -webkit-mask-image: linear-gradient(to left, #000 calc(100% - 32px), transparent); mask-image: linear-gradient(to left, #000 calc(100% - 32px), transparent); }
.tablist[data-more='both'] { -webkit-mask-image: linear-gradient(to right, transparent, #000 32px, #000 calc(100% - 32px), transparent); mask-image: linear-gradient(to right, transparent, #000 32px, #000 calc(100% - 32px), transparent); }
.tab { flex: none; border: none; border-bottom: 2px solid transparent; border-radius: 0; background: none; }
.tab[aria-selected='true'] { border-bottom-color: var(--accent); }
.source { color: var(--muted); }
.tabpanel { flex: 1; min-height: 0; display: flex; flex-direction: column; overflow: auto; }
.tabpanel[hidden] { display: none; }
.events { display: flex; flex-direction: column; flex: 1; min-height: 0; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 4px 8px; border-bottom: 1px solid var(--border); flex: none; }
.toolbar label { display: inline-flex; align-items: center; gap: 4px; }
.count { color: var(--muted); margin-left: auto; }
.split { flex: 1; min-height: 0; display: flex; }
.list { position: relative; flex: 1; min-width: 0; overflow-y: auto; contain: strict; }
.spacer { position: relative; }
.window { position: absolute; left: 0; right: 0; top: 0; }
.row {
  height: ${ROW_HEIGHT}px; display: flex; gap: 8px; align-items: center;
  padding: 0 8px; border: none; border-radius: 0; text-align: left; white-space: nowrap; overflow: hidden; background: none;
}
.row.alt { background: var(--row-alt); }
.row[aria-selected='true'] { background: var(--selected); }
.row[aria-selected='true'] .time, .row[aria-selected='true'] .summary { color: var(--selected-muted); }
.row .time { color: var(--muted); flex: none; }
.row .name { flex: none; font-weight: 600; }
.row .summary { color: var(--muted); overflow: hidden; text-overflow: ellipsis; }
.pill { position: sticky; bottom: 8px; left: 50%; margin: 0 auto; display: block; z-index: 1; background: var(--accent); color: var(--on-accent); border: none; border-radius: 12px; }
.detail { width: 40%; min-width: 220px; border-left: 1px solid var(--border); overflow: auto; padding: 6px 8px; }
.detail h3 { font-size: 12px; margin: 4px 0; }
.detail th, .detail td { word-break: break-all; }
/* narrow screens: the detail goes under the list instead of squeezing it */
@media (max-width: 640px) {
  .split { flex-direction: column; }
  .detail { width: auto; min-width: 0; flex: 0 0 50%; border-left: none; border-top: 1px solid var(--border); }
}
.tree, .tree ul { list-style: none; margin: 0; padding: 0; }
.tree ul { padding-left: 14px; }
.tree li { white-space: pre-wrap; overflow-wrap: anywhere; }
.tree .key { color: var(--accent); }
.tree .string, .tree .value, .tree .preview { color: var(--fg); }
/* a container's summary is one line (its children are one click away): cheap to lay out */
.tree button.node { display: block; max-width: 100%; border: none; background: none; padding: 0; text-align: left; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.tree button.more { border: none; background: none; padding: 0; text-align: left; }
.tree button.node::before { content: '▸ '; color: var(--muted); }
.tree button.node[aria-expanded='true']::before { content: '▾ '; }
.tree button.node[aria-expanded='true'] .preview { color: var(--muted); }
.tree button.more { color: var(--muted); text-decoration: underline; }
.detail button.more { border: none; background: none; padding: 0 0 0 4px; color: var(--muted); text-decoration: underline; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--border); vertical-align: top; }
th { color: var(--muted); font-weight: normal; }
.error { color: var(--error); }
.ok { color: var(--ok); }
.warn { color: var(--warn); }
.muted { color: var(--muted); }
.section { padding: 6px 8px; }
.section h3 { font-size: 12px; margin: 8px 0 4px; }
.field { display: flex; align-items: center; gap: 6px; margin: 4px 0; }
.field > label { flex: 0 0 11em; }
.field > button:first-child { margin-left: calc(11em + 6px); }
.field textarea { font: inherit; background: var(--bg); color: inherit; border: 1px solid var(--border); border-radius: 4px; width: 100%; min-height: 48px; }
svg.spark { vertical-align: middle; }
svg.spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; }
`;
