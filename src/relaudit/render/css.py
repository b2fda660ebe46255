"""The HTML report's stylesheet: system fonts, cards, charts, and print rules for a clean PDF."""

CSS = """
:root { --ink: #1f2933; --muted: #5f6b7a; --line: #e3e8ef; --paper: #ffffff; --bg: #f4f6f9; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 40px; }
h1 { font-size: 30px; margin: 0; letter-spacing: -0.01em; overflow-wrap: anywhere; }
h2 { font-size: 20px; margin: 34px 0 2px; }
h3 { font-size: 16px; margin: 0 0 8px; }
h3 small { color: var(--muted); font-weight: normal; font-size: 13px; }
.sub { color: var(--muted); margin: 0 0 12px; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px;
  box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04); break-inside: avoid; page-break-inside: avoid; }
.summary { display: grid; grid-template-columns: auto 1fr auto; gap: 24px; align-items: center; }
.grade { width: 124px; height: 124px; border-radius: 18px; color: #fff; font-size: 88px; font-weight: 800;
  line-height: 124px; text-align: center; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 12px; color: var(--muted); margin: 0; }
.detail, .period { color: var(--muted); margin: 2px 0; font-size: 14px; overflow-wrap: anywhere; }
.score { font-size: 22px; font-weight: 700; margin: 6px 0 0; }
.facts { display: grid; grid-template-columns: auto auto; gap: 4px 14px; margin: 0; font-size: 14px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; }
.notice { border-left: 4px solid #d98e04; margin-top: 12px; }
.grid4 { display: grid; grid-template-columns: repeat(4, 1fr); gap: 14px; }
.grid2 { display: grid; grid-template-columns: repeat(2, 1fr); gap: 14px; }
.pscore { font-size: 34px; font-weight: 800; margin: 0; }
.pscore small { font-size: 14px; color: var(--muted); font-weight: normal; }
.unmeasured .pscore { font-size: 18px; color: var(--muted); }
.meter { height: 8px; background: var(--line); border-radius: 4px; overflow: hidden; margin: 6px 0 10px; }
.meter span { display: block; height: 100%; }
.pillar ul { margin: 0; padding-left: 18px; font-size: 13px; color: var(--muted); }
.pillar .penalty { color: #9b2c2c; }
table.metrics { width: 100%; border-collapse: collapse; background: var(--paper); border: 1px solid var(--line);
  border-radius: 10px; overflow: hidden; font-size: 14px; }
.metrics th, .metrics td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
.metrics thead th { background: #eef2f7; font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; }
.metrics tr { break-inside: avoid; page-break-inside: avoid; }
.metrics code { display: block; color: var(--muted); font-size: 11px; font-weight: normal; }
.num { text-align: right !important; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; white-space: nowrap; }
.status.ok { background: #dcf5e3; color: #14532d; }
.status.bad { background: #fde2e1; color: #7f1d1d; }
.status.na { background: #edf0f4; color: var(--muted); }
figure { margin: 0; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 6px; }
figcaption b { color: var(--ink); display: block; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: #e3e8ef; stroke-width: 1; }
svg .axis { font-size: 11px; fill: #5f6b7a; }
svg .legend { font-size: 12px; fill: #1f2933; }
svg .value { font-size: 11px; fill: #1f2933; font-weight: 600; }
.todo { padding-left: 40px; }
.todo li { margin: 4px 0; }
.finding { margin-bottom: 12px; }
.level { color: #fff; font-size: 11px; text-transform: uppercase; letter-spacing: 0.06em; padding: 2px 8px;
  border-radius: 4px; vertical-align: 2px; }
.advice { margin: 2px 0; font-size: 14px; }
.examples { list-style: none; padding: 0; margin: 10px 0 0; }
.examples li { border-top: 1px solid var(--line); padding: 8px 0; break-inside: avoid; page-break-inside: avoid; }
.examples p { margin: 0; overflow-wrap: anywhere; }
blockquote { margin: 6px 0; padding: 4px 12px; border-left: 3px solid #c9d2dc; color: #334155; font-style: italic;
  overflow-wrap: anywhere; white-space: pre-wrap; }
.meta, .more { color: var(--muted); font-size: 12px; }
.warnings { font-size: 13px; padding-left: 34px; color: #7a4100; overflow-wrap: anywhere; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line);
  padding-top: 10px; overflow-wrap: anywhere; }
@media (max-width: 900px) {
  .grid4 { grid-template-columns: repeat(2, 1fr); }
  .grid2 { grid-template-columns: 1fr; }
  .summary { grid-template-columns: auto 1fr; }
  .facts { grid-column: 1 / -1; }
}
@media print {
  @page { size: A4; margin: 12mm; }
  body { background: #fff; font-size: 12px; }
  main { max-width: none; padding: 0; }
  .card { box-shadow: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .grid4, .grid2 { grid-template-columns: repeat(2, 1fr); }
  .summary { grid-template-columns: auto 1fr auto; }
  .facts { grid-column: auto; }
  figure, .pillar, .finding, .summary { break-inside: avoid; page-break-inside: avoid; }
  #findings, #warnings { break-before: page; page-break-before: always; }
}
"""
