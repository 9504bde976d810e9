/**
 * The report's stylesheet: system fonts only (nothing to fetch), two charts a row on a wide
 * screen, and for print one agent per page, charts kept whole, no navigation.
 */
export const REPORT_STYLE = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: #fff; margin: 0 auto; padding: 1.5rem; max-width: 1280px; }
h1 { margin: 0 0 .25rem; font-size: 1.6rem; }
h2 { margin: 2rem 0 .25rem; font-size: 1.3rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem; }
h3 { margin: 1.2rem 0 .3rem; font-size: 1.05rem; }
figcaption h3 { margin: 0; }
figcaption p, .figures, header p { margin: .1rem 0 .4rem; color: var(--muted); }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 1rem 1.5rem; }
figure { margin: 0; border: 1px solid var(--rule); border-radius: 6px; padding: .7rem .9rem; }
.chart { position: relative; height: 280px; }
.empty { color: var(--muted); font-style: italic; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--rule); }
th { border-bottom: 2px solid var(--ink); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; overflow-wrap: anywhere; }
.severity { font-weight: 600; padding: 0 .35rem; border-radius: 3px; border: 1px solid currentColor; }
.severity.critical, .severity.high { color: #a33a00; }
.severity.medium { color: #005a8c; }
.severity.low { color: var(--muted); }
@media print {
  body { padding: 0; max-width: none; font-size: 11pt; }
  nav { display: none; }
  section + section { break-before: page; }
  .grid { grid-template-columns: 1fr 1fr; }
  figure, tr { break-inside: avoid; }
  .chart { height: 200px; }
}
`;
