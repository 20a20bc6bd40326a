// The panel's stylesheet, inside its shadow root: nothing leaks in or out. `:host { all: initial }`
// stops inherited host styles (font, color, line-height) from reaching the panel. No style
// attribute is written except the virtualiser's positions and the panel's size, which React sets
// through the CSSOM (allowed under a strict style-src CSP, unlike style attributes in markup).

/**
 * The z-index of the toggle button and the panel: high enough to sit above app overlays, one
 * step below the maximum so an app can still put something above the devtools.
 */
export const DEVTOOLS_Z_INDEX = 2147483000;

const LIGHT = `--bg: #ffffff; --bg2: #f6f8fa; --fg: #1b1f24; --muted: #57606a; --border: #d0d7de;
  --accent: #0b5cc4; --on-accent: #ffffff; --selected: #dbeafe; --error: #b42318; --error-bg: #fdecea;
  --ok: #116329; --bar: #0b5cc4; --bar-error: #b42318; --bar-open: #9a6700;`;
const DARK = `--bg: #0d1117; --bg2: #161b22; --fg: #e6edf3; --muted: #9ea7b3; --border: #30363d;
  --accent: #4493f8; --on-accent: #0d1117; --selected: #1f3a5f; --error: #ff8a80; --error-bg: #3a1a1a;
  --ok: #56d364; --bar: #4493f8; --bar-error: #ff7b72; --bar-open: #d29922;`;

export const STYLES = `
:host { all: initial; }
.container { display: contents; }
.root {
  ${LIGHT}
  font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  color: var(--fg);
}
.root[data-theme='dark'] { ${DARK} }
@media (prefers-color-scheme: dark) { .root[data-theme='system'] { ${DARK} } }
*, *::before, *::after { box-sizing: border-box; }
.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
button, input, select, textarea { font: inherit; color: var(--fg); background: var(--bg); }
button {
  border: 1px solid var(--border); border-radius: 4px; padding: 3px 8px; cursor: pointer; min-height: 26px;
}
button:hover { border-color: var(--accent); }
button[aria-pressed='true'] { background: var(--accent); color: var(--on-accent); border-color: var(--accent); }
button:disabled { opacity: .7; cursor: default; }
button.icon { min-width: 28px; padding: 2px 6px; font-size: 15px; line-height: 1; }
button.link { border: 0; padding: 0; min-height: 0; background: none; color: var(--accent); text-decoration: underline; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
input, select, textarea { border: 1px solid var(--border); border-radius: 4px; padding: 3px 6px; min-height: 26px; }
input[aria-invalid='true'], textarea[aria-invalid='true'] { border-color: var(--error); }
kbd { border: 1px solid var(--border); border-radius: 3px; padding: 0 3px; background: var(--bg2); }
code { background: var(--bg2); padding: 0 2px; }
.muted { color: var(--muted); }
.error, .status-error { color: var(--error); }
.status-ok { color: var(--ok); }
.status-error, .status-ok { font-weight: 600; }
.ellipsis { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
.wrap { overflow-wrap: anywhere; min-width: 0; }

.toggle {
  position: fixed; z-index: ${DEVTOOLS_Z_INDEX}; display: inline-flex; align-items: center; gap: 4px;
  width: 44px; height: 44px; justify-content: center; border-radius: 50%;
  background: var(--bg); color: var(--accent); border: 1px solid var(--border);
  box-shadow: 0 2px 8px rgb(0 0 0 / 25%);
}
.root[data-position='bottom-right'] .toggle { bottom: 12px; right: 12px; }
.root[data-position='bottom-left'] .toggle { bottom: 12px; left: 12px; }
.root[data-position='top-right'] .toggle { top: 12px; right: 12px; }
.root[data-position='top-left'] .toggle { top: 12px; left: 12px; }
.badge {
  position: absolute; top: -4px; right: -4px; min-width: 18px; height: 18px; padding: 0 4px;
  border-radius: 9px; background: #b42318; color: #ffffff; font-size: 11px; line-height: 18px; text-align: center;
}

.panel {
  position: fixed; z-index: ${DEVTOOLS_Z_INDEX}; display: flex; flex-direction: column;
  background: var(--bg); color: var(--fg); border: 0 solid var(--border); overflow: hidden;
  max-width: 100vw; max-height: 100vh; container-type: inline-size;
}
.root[data-dock='bottom'] .panel { left: 0; right: 0; bottom: 0; border-top-width: 1px; }
.root[data-dock='top'] .panel { left: 0; right: 0; top: 0; border-bottom-width: 1px; }
.root[data-dock='left'] .panel { top: 0; bottom: 0; left: 0; border-right-width: 1px; }
.root[data-dock='right'] .panel { top: 0; bottom: 0; right: 0; border-left-width: 1px; }
.root[data-dock='inline'] .panel { position: relative; z-index: auto; height: 100%; min-height: 320px; border-width: 1px; }
.resizer { position: absolute; z-index: 1; background: transparent; touch-action: none; }
.resizer::after { content: ''; position: absolute; background: var(--border); }
.resizer:hover::after, .resizer:focus-visible::after { background: var(--accent); }
.root[data-dock='bottom'] .resizer, .root[data-dock='top'] .resizer { left: 0; right: 0; height: 10px; cursor: row-resize; }
.root[data-dock='bottom'] .resizer { top: -4px; }
.root[data-dock='top'] .resizer { bottom: -4px; }
.root[data-dock='bottom'] .resizer::after, .root[data-dock='top'] .resizer::after { left: 0; right: 0; top: 4px; height: 2px; }
.root[data-dock='left'] .resizer, .root[data-dock='right'] .resizer { top: 0; bottom: 0; width: 10px; cursor: col-resize; }
.root[data-dock='left'] .resizer { right: -4px; }
.root[data-dock='right'] .resizer { left: -4px; }
.root[data-dock='left'] .resizer::after, .root[data-dock='right'] .resizer::after { top: 0; bottom: 0; left: 4px; width: 2px; }

.header {
  display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; padding: 4px 8px;
  border-bottom: 1px solid var(--border); background: var(--bg2); min-width: 0;
}
.brand { display: inline-flex; align-items: center; gap: 4px; font-weight: 700; color: var(--accent); }
.brand span { color: var(--fg); }
.tablist { display: flex; gap: 2px; overflow-x: auto; min-width: 0; flex: 1 1 auto; scrollbar-width: thin; }
.tab { border: 0; border-bottom: 2px solid transparent; border-radius: 0; background: transparent; padding: 4px 8px; white-space: nowrap; }
.tab[aria-selected='true'] { border-bottom-color: var(--accent); font-weight: 700; }
.source { color: var(--muted); max-width: 30ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.settings { position: relative; }
.menu {
  position: absolute; right: 0; top: 100%; z-index: 2; min-width: 160px; padding: 4px;
  background: var(--bg); border: 1px solid var(--border); border-radius: 6px; box-shadow: 0 4px 12px rgb(0 0 0 / 25%);
}
.root[data-dock='top'] .menu { top: 100%; }
.menu-title { padding: 4px 6px 2px; color: var(--muted); font-weight: 600; }
.menu [role='menuitemradio'] { display: block; width: 100%; text-align: left; border: 0; padding: 4px 6px 4px 22px; position: relative; }
.menu [role='menuitemradio'][aria-checked='true']::before { content: '✓'; position: absolute; left: 6px; }
.menu [role='menuitemradio']:focus { background: var(--selected); }
.menu-hint { margin: 4px 6px; color: var(--muted); }
.tabpanel { flex: 1 1 auto; min-height: 0; overflow: auto; display: flex; flex-direction: column; }

.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 6px; padding: 6px 8px; border-bottom: 1px solid var(--border); }
.toolbar .filter { flex: 1 1 12em; min-width: 0; }
.toolbar .pattern { flex: 1 1 10em; min-width: 0; }
.toolbar .count { color: var(--muted); margin-left: auto; }
.select { display: inline-flex; align-items: center; gap: 4px; }
.switch { display: inline-flex; align-items: center; gap: 6px; border: 0; background: transparent; padding: 2px 4px; }
.switch-track { width: 26px; height: 14px; border-radius: 7px; background: var(--border); position: relative; flex: none; }
.switch-thumb { position: absolute; top: 2px; left: 2px; width: 10px; height: 10px; border-radius: 50%; background: var(--bg); transition: left .1s; }
.switch[aria-checked='true'] .switch-track { background: var(--accent); }
.switch[aria-checked='true'] .switch-thumb { left: 14px; }

.events { display: flex; flex-direction: column; flex: 1 1 auto; min-height: 0; }
.split { display: flex; flex: 1 1 auto; min-height: 0; }
.stream { position: relative; display: flex; flex-direction: column; flex: 1 1 60%; min-width: 0; min-height: 0; }
.list { position: relative; flex: 1 1 auto; overflow-y: auto; overflow-x: hidden; min-height: 0; }
.spacer { position: relative; width: 100%; }
.row {
  position: absolute; top: 0; left: 0; right: 0; height: 24px; display: flex; gap: 8px; align-items: center;
  padding: 0 8px; white-space: nowrap; cursor: pointer;
}
.row.alt { background: var(--bg2); }
.row[aria-selected='true'] { background: var(--selected); }
.row.failed { color: var(--error); }
.row.failed:not([aria-selected='true']) { background: var(--error-bg); }
.row .time { color: var(--muted); flex: none; }
.row.failed .time { color: var(--error); }
.row .name { flex: 0 1 auto; max-width: 45%; overflow: hidden; text-overflow: ellipsis; font-weight: 600; }
.row .summary { flex: 1 1 0; min-width: 0; overflow: hidden; text-overflow: ellipsis; color: var(--muted); }
.row.failed .summary { color: var(--error); }
.pill { position: absolute; bottom: 8px; left: 50%; transform: translateX(-50%); background: var(--accent); color: var(--on-accent); border-color: var(--accent); border-radius: 12px; }
.banner { margin: 0; padding: 4px 8px; background: var(--bg2); border-bottom: 1px solid var(--border); }
.empty { margin: 0; padding: 16px; color: var(--muted); }
.detail { flex: 1 1 40%; min-width: 0; overflow: auto; border-left: 1px solid var(--border); padding: 6px 8px; }
.detail-head { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.detail h3 { margin: 0; flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; font-size: 13px; }
.detail h3.failed { color: var(--error); }
.detail h4 { margin: 8px 0 2px; font-size: 12px; }
.detail p { margin: 2px 0; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 1px 8px 1px 0; vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 400; }
.json { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }

.waterfall { list-style: none; margin: 0; padding: 0; overflow-y: auto; flex: 1 1 auto; min-height: 0; }
.span-row { display: grid; grid-template-columns: minmax(6em, 28%) 1fr auto minmax(0, 16%); gap: 8px; align-items: center; padding: 1px 8px; }
.span-row:nth-child(even) { background: var(--bg2); }
.span-row[aria-current='true'] { background: var(--selected); }
.span-name { border: 0; background: transparent; text-align: left; padding: 0; min-height: 22px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.span-track { position: relative; height: 10px; min-width: 40px; }
.span-bar { position: absolute; top: 0; bottom: 0; min-width: 2px; border-radius: 2px; background: var(--bar); }
.status-error .span-bar { background: var(--bar-error); }
.status-error .span-name { color: var(--error); }
.status-open .span-bar { background: var(--bar-open); }
.span-duration { white-space: nowrap; }
.span-parent { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; text-align: left; }

.section { padding: 8px; }
.section h3 { margin: 0 0 4px; font-size: 12px; }
.field { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; margin: 4px 0; }
.field label { min-width: 12em; }
.field textarea { flex: 1 1 20em; min-width: 0; min-height: 3.2em; }
.field input[type='text'] { flex: 0 1 10em; min-width: 0; }
.cards, .cards-grid { list-style: none; margin: 0; padding: 8px; display: grid; gap: 8px; grid-template-columns: repeat(auto-fill, minmax(min(100%, 260px), 1fr)); }
.card { border: 1px solid var(--border); border-radius: 6px; padding: 6px 8px; min-width: 0; }
.card.failed { border-color: var(--error); }
.card-head { display: flex; gap: 8px; align-items: center; min-width: 0; }
.card-head > :first-child { flex: 1 1 auto; }
.card h3 { margin: 0; font-size: 12px; }
dl { margin: 4px 0 0; display: grid; grid-template-columns: auto 1fr; gap: 0 8px; }
dl .pair { display: contents; }
dt { color: var(--muted); }
dd { margin: 0; min-width: 0; }
.metric-value { display: flex; gap: 8px; align-items: center; justify-content: space-between; font-size: 14px; }
.spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; }

@container (max-width: 640px) {
  .split { flex-direction: column; }
  .split.with-detail .stream { display: none; }
  .events.with-detail > .toolbar { display: none; }
  .detail { border-left: 0; flex: 1 1 auto; }
  .row .summary { display: none; }
  .row .name { max-width: none; flex: 1 1 auto; }
  .source { display: none; }
  .brand { margin-right: auto; }
  .header .tablist { order: 1; flex-basis: 100%; }
  .field label { min-width: 0; width: 100%; }
  .span-row { grid-template-columns: minmax(0, 1fr) minmax(40px, 30%) auto; }
  .span-parent { grid-column: 1 / -1; }
}
`;
