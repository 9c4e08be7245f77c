// Threshold explorer (Streamlit st.components.v2). Python hands over a stop table: every count, metric and
// interval at each slider stop. This file computes no metric: on every `input` event it only looks the
// stop up and writes it into the page. The threshold goes back to Python (setStateValue) on release and on
// keyboard changes, never while dragging. Every data-derived string is written with textContent.
//
// Two modes (data.mode): "single" (one cut-off) and "rule" (two handles: scores below the rule-out cut-off
// rule out, at or above the rule-in cut-off rule in, in between is indeterminate). In rule mode each handle
// is one lookup in the same stop table (rule-out = the test-negative row at its stop, rule-in = the
// test-positive row at its stop, extra per-stop columns in data.zones); the indeterminate zone is "total
// minus the two outer zones", the only arithmetic here. Both values go back on release and on keys
// (setStateValue("rule", [low, high])).
//
// Streamlit calls the default export again whenever `data` or the theme changes, with the same
// parentElement, so the per-instance state lives in a WeakMap keyed by that element.

const INSTANCES = new WeakMap();
const SVG_NS = "http://www.w3.org/2000/svg";
const NAV_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End"]);

// [label, value key, interval low key, interval high key, glossary term for the hover help]
// Every interval comes from Python (the stop table); this file only shows it. KEY_METRICS sit in the first
// screen (issue 26); EXTRA_METRICS in the closed "More measures" section.
const KEY_METRICS = [
  ["Sensitivity (recall)", "sensitivity", "sensitivity_lo", "sensitivity_hi", "Sensitivity"],
  ["Specificity", "specificity", "specificity_lo", "specificity_hi", "Specificity"],
  ["PPV (precision)", "ppv", "ppv_lo", "ppv_hi", "PPV"],
  ["NPV", "npv", "npv_lo", "npv_hi", "NPV"],
];
const EXTRA_METRICS = [
  ["PPV at deployment prevalence", "ppv_deploy", "ppv_deploy_lo", "ppv_deploy_hi", "PPV"],
  ["NPV at deployment prevalence", "npv_deploy", "npv_deploy_lo", "npv_deploy_hi", "NPV"],
  ["Accuracy", "accuracy", "accuracy_lo", "accuracy_hi", "Accuracy"],
  ["Balanced accuracy", "balanced_accuracy", "balanced_accuracy_lo", "balanced_accuracy_hi", "Balanced accuracy"],
  ["MCC", "mcc", "mcc_lo", "mcc_hi", "MCC"],
  ["F1", "f1", "f1_lo", "f1_hi", "F1"],
  ["F-beta", "fbeta", null, null, "F-beta"],
  ["Youden's J", "youden", null, null, "Youden"],
];
const METRICS = KEY_METRICS.concat(EXTRA_METRICS);

const isNum = (v) => typeof v === "number" && Number.isFinite(v);
const fmtP = (v) => (isNum(v) ? v.toFixed(3) : "—");
const fmtInt = (v) => (isNum(v) ? Math.round(v).toLocaleString("en-US") : "—");
const fmtThr = (t) => (!isNum(t) ? "—" : Math.abs(t) >= 0.01 || t === 0 ? t.toFixed(4) : t.toPrecision(3));
const fmtAxis = (v) => (isNum(v) ? v.toFixed(2) : "");
const fmtPct = (v) => (isNum(v) ? `${(100 * v).toFixed(v < 0.01 ? 2 : 1)} %` : "—");
// Likelihood ratios: two decimals below 10, three significant digits above.
const fmtLR = (v) => (!isNum(v) ? "—" : v < 10 ? v.toFixed(2) : v.toPrecision(3));
// Bayes in odds form: post-test odds = pre-test odds x LR (the one formula of a Fagan nomogram).
const postTest = (pre, lr) => {
  if (!isNum(pre) || !isNum(lr) || pre <= 0 || pre >= 1 || lr < 0) return null;
  const odds = (pre / (1 - pre)) * lr;
  return odds / (1 + odds);
};
const plural = (n, one, many) => (n === "1" ? one : many);
// The deployment prevalence as Python formats it everywhere else (evaluation.formatting.percent).
const prevText = (d) => (typeof d.prevalence_text === "string" ? d.prevalence_text : fmtPct(d.prevalence));

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  return node;
}

function svgText(x, y, text, anchor) {
  const t = svgEl("text", { x, y, "text-anchor": anchor || "middle" });
  t.textContent = text;
  return t;
}

// Index of the stop whose threshold is nearest to t (stops ascend): a binary search, no arithmetic on data.
function nearestIndex(stops, t) {
  let lo = 0;
  let hi = stops.length - 1;
  if (hi < 0 || !isNum(t)) return 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stops[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(stops[lo - 1] - t) <= Math.abs(stops[lo] - t)) return lo - 1;
  return lo;
}

// Square plot frame for a unit-square curve (ROC, PR); returns the group and the mapping functions.
function unitFrame(svg, xLabel, yLabel) {
  svg.replaceChildren();
  const L = 30, T = 8, S = 175;
  const sx = (v) => L + v * S;
  const sy = (v) => T + (1 - v) * S;
  svg.appendChild(svgEl("rect", { x: L, y: T, width: S, height: S, class: "te-axis" }));
  for (const v of [0, 0.5, 1]) {
    svg.appendChild(svgText(sx(v), T + S + 11, v.toFixed(1)));
    svg.appendChild(svgText(L - 4, sy(v) + 3, v.toFixed(1), "end"));
  }
  svg.appendChild(svgText(L + S / 2, T + S + 24, xLabel));
  const yl = svgText(0, 0, yLabel);
  yl.setAttribute("transform", `translate(9 ${T + S / 2}) rotate(-90)`);
  svg.appendChild(yl);
  return { sx, sy };
}

function polyPoints(xs, ys, sx, sy) {
  const parts = [];
  for (let i = 0; i < xs.length; i += 1) {
    if (isNum(xs[i]) && isNum(ys[i])) parts.push(`${sx(xs[i]).toFixed(1)},${sy(ys[i]).toFixed(1)}`);
  }
  return parts.join(" ");
}

function init(root) {
  const $ = (id) => root.querySelector(`#${id}`);
  const inst = {
    root,
    data: null,
    idx: 0,
    committed: null,
    dragging: false,
    setStateValue: null,
    range: $("te-range"),
    value: $("te-value"),
    picks: $("te-picks"),
    reason: $("te-reason"),
    tp: $("te-tp"),
    fp: $("te-fp"),
    tn: $("te-tn"),
    fn: $("te-fn"),
    freq: $("te-freq"),
    metricsBox: $("te-metrics"),
    metricsMore: $("te-metrics-more"),
    metricCells: [],
    lrp: $("te-lrp"),
    lrpCi: $("te-lrp-ci"),
    lrn: $("te-lrn"),
    lrnCi: $("te-lrn-ci"),
    pretest: $("te-pretest"),
    pretestTyped: false,
    post: $("te-post"),
    fagan: $("te-fagan"),
    histText: $("te-hist-text"),
    rocText: $("te-roc-text"),
    prText: $("te-pr-text"),
    more: root.querySelector(".te-more"),
    roc: $("te-roc"),
    pr: $("te-pr"),
    hist: $("te-hist"),
    rocPoint: null,
    prPoint: null,
    histLine: null,
    histLineLow: null,
    pressedPick: null,
    committedPick: null,
    histX: null,
    pickButtons: [],
    range2: $("te-range2"),
    track: $("te-track"),
    band: $("te-band"),
    unc: $("te-unc"),
    zones: $("te-zones"),
    zoneFreq: $("te-zone-freq"),
    zbar: { out: $("te-z-out"), mid: $("te-z-mid"), inn: $("te-z-in") },
    zcell: {},
    outRule: $("te-z-out-rule"),
    inRule: $("te-z-in-rule"),
    mode: "single",
    lo: 0,
    hi: 0,
    committedRule: null,
  };
  for (const id of ["out-n", "out-pos", "out-neg", "out-pv", "out-dep", "out-k", "mid-n", "mid-pos", "mid-neg",
    "mid-k", "in-n", "in-pos", "in-neg", "in-pv", "in-dep", "in-k"]) {
    inst.zcell[id] = root.querySelector(`[data-testid="te-z-${id}"]`);
  }
  // One cell per metric, built once; only their text changes afterwards.
  const keyNames = new Set(KEY_METRICS.map((m) => m[1]));
  for (const [label, key, , , term] of METRICS) {
    const box = el("div", "te-metric");
    const name = el("div", "te-mname", label);
    const val = el("div", "te-mval");
    val.dataset.testid = `te-m-${key}`;
    const ci = el("div", "te-mci");
    box.append(name, val, ci);
    (keyNames.has(key) ? inst.metricsBox : inst.metricsMore).appendChild(box);
    inst.metricCells.push({ name, val, ci, term });
  }
  // The clinician's own pre-test probability: redraws the post-test numbers at once, in the browser.
  inst.pretest.addEventListener("input", () => {
    inst.pretestTyped = true;
    renderPost(inst);
  });
  // On Enter or leaving the box (not on every key): the typed value goes to Python for the Report page.
  inst.pretest.addEventListener("change", () => {
    const raw = Number(inst.pretest.value);
    if (raw > 0 && raw < 100 && inst.setStateValue) inst.setStateValue("pretest", raw / 100);
  });

  const range = inst.range;
  const range2 = inst.range2;
  const onInput = (which) => {
    if (inst.mode !== "rule") { render(inst, Number(range.value)); return; }
    let lo = Number(range.value);
    let hi = Number(range2.value);
    if (lo > hi) {  // a handle pushes the other along (so two handles at one stop can always be parted)
      if (which === 1) hi = lo; else lo = hi;
      range.value = String(lo);
      range2.value = String(hi);
    }
    renderRule(inst, lo, hi);
  };
  const doCommit = () => (inst.mode === "rule" ? commitRule(inst) : commit(inst, false));
  const endDrag = () => {
    if (!inst.dragging) return;
    inst.dragging = false;
    doCommit();
  };
  [[range, 1], [range2, 2]].forEach(([r, which]) => {
    r.addEventListener("input", () => onInput(which));
    r.addEventListener("change", doCommit);
    r.addEventListener("pointerdown", () => { inst.dragging = true; });
    r.addEventListener("pointerup", endDrag);
    r.addEventListener("pointercancel", endDrag);
    r.addEventListener("keyup", (e) => { if (NAV_KEYS.has(e.key)) doCommit(); });
  });
  return inst;
}

// Draw what depends only on the payload: curves, histogram bars, picker buttons, class names.
function drawStatic(inst) {
  const d = inst.data;
  const n = d.stops.threshold.length;
  inst.range.max = String(Math.max(0, n - 1));
  inst.range2.max = inst.range.max;
  inst.mode = d.mode === "rule" ? "rule" : "single";
  const rule = inst.mode === "rule";
  inst.root.querySelector(".te").classList.toggle("te-rule", rule);
  inst.range2.hidden = !rule;
  inst.zones.hidden = !rule;
  inst.band.hidden = true;
  inst.range.setAttribute("aria-label", rule ? "Rule-out cut-off" : "Decision threshold");
  inst.root.querySelector("#te-title").textContent = rule ? "Rule-out and rule-in cut-offs" : "Decision threshold";
  inst.root.querySelector("#te-hint").textContent = rule
    ? "(below the left handle: rule out; at or above the right handle: rule in; between: further testing)"
    : "(a patient is flagged when the score is at or above it)";
  inst.root.querySelector("#te-z-deploy-head").textContent = `At ${prevText(d)} prevalence`;
  inst.root.querySelector("#te-pos-name").textContent = d.labels.positive;
  inst.root.querySelector("#te-neg-name").textContent = d.labels.negative;
  inst.root.querySelector("#te-leg-neg").textContent = `${d.labels.negative} (n = ${fmtInt(d.n_neg)})`;
  inst.root.querySelector("#te-leg-pos").textContent = `${d.labels.positive} (n = ${fmtInt(d.n_pos)})`;
  const auc = (a) => (a && isNum(a.value) ? `AUC ${fmtP(a.value)} (${fmtP(a.lo)}–${fmtP(a.hi)})` : "");
  inst.root.querySelector("#te-roc-auc").textContent = auc(d.roc_auc);
  inst.root.querySelector("#te-pr-auc").textContent = auc(d.pr_auc);
  const deploy = `at ${prevText(d)} prevalence`;
  const cell = (key) => inst.metricCells[METRICS.findIndex((m) => m[1] === key)];
  cell("ppv_deploy").name.textContent = `PPV ${deploy}`;
  cell("npv_deploy").name.textContent = `NPV ${deploy}`;
  cell("fbeta").name.textContent = `F-beta (β = ${isNum(d.beta) ? d.beta : "—"})`;
  // Hover help: one line per term from the glossary (Python sends it; set as a title attribute, never HTML).
  const help = d.help && typeof d.help === "object" ? d.help : {};
  const tip = (node, term) => {
    if (node && typeof help[term] === "string") node.setAttribute("title", help[term]);
  };
  for (const c of inst.metricCells) tip(c.name, c.term);
  tip(inst.root.querySelector("#te-lrp-name"), "LR+");
  tip(inst.root.querySelector("#te-lrn-name"), "LR-");
  tip(inst.root.querySelector("#te-pre-name"), "Pre-test probability");
  tip(inst.post, "Post-test probability");
  tip(inst.root.querySelector("#te-roc-auc"), "ROC AUC");
  tip(inst.root.querySelector("#te-pr-auc"), "PR AUC");
  tip(inst.root.querySelector("#te-title"), "Threshold");
  const sentences = d.sentences && typeof d.sentences === "object" ? d.sentences : {};
  inst.rocText.textContent = typeof sentences.roc === "string" ? sentences.roc : "";
  inst.prText.textContent = typeof sentences.pr === "string" ? sentences.pr : "";
  // The pre-test probability opens at the deployment prevalence until the clinician types their own.
  if (!inst.pretestTyped) {
    const pre = isNum(d.pretest_default) ? d.pretest_default : d.prevalence;
    inst.pretest.value = isNum(pre) ? String(Math.round(10000 * pre) / 100) : "";
  }
  if (rule) inst.more.open = true; // the zones read against the histogram's two lines

  // ROC
  let f = unitFrame(inst.roc, "1 − specificity (false-positive rate)", "Sensitivity");
  inst.roc.appendChild(svgEl("line", { x1: f.sx(0), y1: f.sy(0), x2: f.sx(1), y2: f.sy(1), class: "te-diag" }));
  inst.roc.appendChild(svgEl("polyline", { points: polyPoints(d.roc.fpr, d.roc.tpr, f.sx, f.sy), class: "te-curve" }));
  inst.rocPoint = svgEl("circle", { r: 4.5, class: "te-point", "data-testid": "te-roc-point" });
  inst.roc.appendChild(inst.rocPoint);
  inst.rocMap = f;
  // PR
  f = unitFrame(inst.pr, "Recall (sensitivity)", "Precision (PPV)");
  const base = d.n > 0 ? d.n_pos / d.n : 0;
  inst.pr.appendChild(svgEl("line", { x1: f.sx(0), y1: f.sy(base), x2: f.sx(1), y2: f.sy(base), class: "te-diag" }));
  inst.pr.appendChild(svgEl("polyline", { points: polyPoints(d.pr.recall, d.pr.precision, f.sx, f.sy), class: "te-curve" }));
  inst.prPoint = svgEl("circle", { r: 4.5, class: "te-point", "data-testid": "te-pr-point" });
  inst.pr.appendChild(inst.prPoint);
  inst.prMap = f;
  drawHist(inst);
  drawPicks(inst);
  drawScale(inst);
}

// Tick labels of threshold values under the track. The range moves by stop index, so a value's place
// is its stop's index; labels that would overlap the previous one are left out.
const SCALE_VALUES = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
function drawScale(inst) {
  const box = inst.root.querySelector("#te-scale");
  box.replaceChildren();
  const stops = inst.data.stops.threshold;
  const n = stops.length;
  if (n < 2) return;
  let last = -1;
  for (const v of SCALE_VALUES) {
    if (v < stops[0] || v > stops[n - 1]) continue;
    const frac = nearestIndex(stops, v) / (n - 1);
    if (last >= 0 && frac - last < 0.06) continue;
    last = frac;
    const tick = el("span", "te-tick", v.toFixed(v === 0.05 ? 2 : 1));
    tick.style.left = `calc(8px + ${(100 * frac).toFixed(2)}% - ${(16 * frac).toFixed(2)}px)`;
    tick.dataset.value = String(v);
    box.appendChild(tick);
  }
}

// Two histograms on one axis, each scaled to its own class size so the minority class stays visible.
function drawHist(inst) {
  const { edges, neg, pos } = inst.data.hist;
  const svg = inst.hist;
  svg.replaceChildren();
  const L = 14, T = 6, W = 290, H = 112;
  const x0 = edges[0];
  const x1 = edges[edges.length - 1];
  const span = x1 > x0 ? x1 - x0 : 1;
  const sx = (v) => L + ((Math.min(Math.max(v, x0), x1) - x0) / span) * W;
  const nNeg = inst.data.n_neg || 1;
  const nPos = inst.data.n_pos || 1;
  let top = 0;
  for (let i = 0; i < neg.length; i += 1) top = Math.max(top, neg[i] / nNeg, pos[i] / nPos);
  top = top || 1;
  const sy = (v) => T + H - (v / top) * H;
  const bars = (counts, total) => {
    let path = "";
    for (let i = 0; i < counts.length; i += 1) {
      if (!counts[i]) continue;
      const xa = sx(edges[i]);
      const xb = sx(edges[i + 1]);
      const y = sy(counts[i] / total);
      path += `M${xa.toFixed(1)},${(T + H).toFixed(1)}V${y.toFixed(1)}H${xb.toFixed(1)}V${(T + H).toFixed(1)}Z`;
    }
    return path;
  };
  svg.appendChild(svgEl("path", { d: bars(neg, nNeg), class: "te-neg" }));
  svg.appendChild(svgEl("path", { d: bars(pos, nPos), class: "te-pos" }));
  svg.appendChild(svgEl("line", { x1: L, y1: T + H, x2: L + W, y2: T + H, class: "te-axis" }));
  for (const v of [x0, (x0 + x1) / 2, x1]) svg.appendChild(svgText(sx(v), T + H + 11, fmtAxis(v)));
  svg.appendChild(svgText(L + W / 2, T + H + 24, "Score (share of each class per bin)"));
  inst.histLine = svgEl("line", { y1: T, y2: T + H, class: "te-tline", "data-testid": "te-hist-line" });
  svg.appendChild(inst.histLine);
  // rule mode: the rule-out cut-off gets its own line (the one above is the rule-in cut-off)
  inst.histLineLow = svgEl("line", {
    y1: T, y2: T + H, class: "te-tline te-tline-low", "data-testid": "te-hist-line-low", visibility: "hidden",
  });
  svg.appendChild(inst.histLineLow);
  inst.histX = sx;
}

function drawPicks(inst) {
  inst.picks.replaceChildren();
  inst.pickButtons = [];
  if (inst.mode === "rule") {
    const rp = inst.data.rule_pick;
    if (rp && Number.isInteger(rp.low_index) && Number.isInteger(rp.high_index)) {
      const b = el("button", null, `${rp.label}: ${fmtThr(rp.t_low)} – ${fmtThr(rp.t_high)}`);
      b.type = "button";
      b.dataset.testid = "te-pick-rule";
      b.addEventListener("click", () => {
        inst.range.value = String(rp.low_index);
        inst.range2.value = String(rp.high_index);
        renderRule(inst, rp.low_index, rp.high_index);
        commitRule(inst);
      });
      inst.picks.appendChild(b);
    }
    return;
  }
  for (const p of inst.data.picks || []) {
    const b = el("button", null, `${p.label}: ${fmtThr(p.threshold)}`);
    b.type = "button";
    b.dataset.key = String(p.key);
    b.dataset.testid = `te-pick-${p.key}`;
    b.setAttribute("aria-pressed", "false");
    b.addEventListener("click", () => {
      const idx = Number.isInteger(p.index) ? p.index : nearestIndex(inst.data.stops.threshold, p.threshold);
      inst.pressedPick = p.key; // a tie keeps the pressed picker's name (issue 23)
      inst.range.value = String(idx);
      render(inst, idx);
      commit(inst);
    });
    inst.picks.appendChild(b);
    inst.pickButtons.push({ button: b, pick: p });
  }
}

// Look the stop up and write it everywhere. Called on every `input` event: indexing and formatting only.
function render(inst, idx) {
  const s = inst.data.stops;
  const n = s.threshold.length;
  if (n === 0) return;
  const i = Math.min(Math.max(idx | 0, 0), n - 1);
  inst.idx = i;
  const t = s.threshold[i];
  inst.value.textContent = fmtThr(t);
  inst.tp.textContent = fmtInt(s.tp[i]);
  inst.fp.textContent = fmtInt(s.fp[i]);
  inst.tn.textContent = fmtInt(s.tn[i]);
  inst.fn.textContent = fmtInt(s.fn[i]);
  METRICS.forEach(([, key, lo, hi], m) => {
    const cell = inst.metricCells[m];
    cell.val.textContent = fmtP(s[key][i]);
    const has = lo && s[lo] && isNum(s[lo][i]);
    cell.ci.textContent = has ? `95 % CI ${fmtP(s[lo][i])}–${fmtP(s[hi][i])}` : "\u00a0";
  });
  const flagged = fmtInt(s.per1000_flagged[i]);
  const ill = fmtInt(s.per1000_true_pos[i]);
  const missed = fmtInt(s.per1000_missed[i]);
  // Same wording as imbalance_core.evaluation.threshold_sentences.per_thousand (the browser test compares).
  inst.freq.textContent = isNum(s.per1000_flagged[i])
    ? `At ${fmtThr(t)}, the model flags ${flagged} of 1,000 patients like these ` +
      `(disease in ${prevText(inst.data)}); ${ill} of them ${plural(ill, "has", "have")} the disease and ` +
      `${missed} with the disease ${plural(missed, "is", "are")} missed.`
    : `At ${fmtThr(t)}, the numbers per 1,000 patients cannot be worked out: a class has no patients here.`;
  renderLR(inst, i);
  renderPost(inst);
  const d = inst.data;
  inst.histText.textContent = d.n_pos > 0 && d.n_neg > 0
    ? `At ${fmtThr(t)}, ${fmtInt(s.tp[i])} of ${fmtInt(d.n_pos)} patients with the disease ` +
      `(${fmtPct(s.tp[i] / d.n_pos)}) and ${fmtInt(s.fp[i])} of ${fmtInt(d.n_neg)} without ` +
      `(${fmtPct(s.fp[i] / d.n_neg)}) score at or above the line and are flagged.`
    : `At ${fmtThr(t)}, the split cannot be shown: the hold-out lacks one of the two classes.`;
  inst.range.setAttribute(
    "aria-valuetext",
    `threshold ${fmtThr(t)}, sensitivity ${fmtP(s.sensitivity[i])}, specificity ${fmtP(s.specificity[i])}`,
  );
  // Operating points: the stop's own sensitivity/specificity/PPV placed on the pre-drawn curves.
  const sens = s.sensitivity[i];
  const spec = s.specificity[i];
  const ppv = s.ppv[i];
  const showRoc = isNum(sens) && isNum(spec);
  inst.rocPoint.setAttribute("visibility", showRoc ? "visible" : "hidden");
  if (showRoc) {
    inst.rocPoint.setAttribute("cx", inst.rocMap.sx(1 - spec).toFixed(1));
    inst.rocPoint.setAttribute("cy", inst.rocMap.sy(sens).toFixed(1));
  }
  const showPr = isNum(sens) && isNum(ppv);
  inst.prPoint.setAttribute("visibility", showPr ? "visible" : "hidden");
  if (showPr) {
    inst.prPoint.setAttribute("cx", inst.prMap.sx(sens).toFixed(1));
    inst.prPoint.setAttribute("cy", inst.prMap.sy(ppv).toFixed(1));
  }
  const hx = inst.histX(t).toFixed(1);
  inst.histLine.setAttribute("x1", hx);
  inst.histLine.setAttribute("x2", hx);
  // Several pickers may land on one stop: all are marked; the pressed one's reason is shown, else the
  // first one's (as on the server).
  let reason = "";
  let active = null;
  for (const { button, pick } of inst.pickButtons) {
    const on = Number.isInteger(pick.index) ? pick.index === i : pick.threshold === t;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    if (on && (!active || pick.key === inst.pressedPick)) {
      reason = pick.reason || "";
      active = pick.key;
    }
  }
  if (inst.histLineLow) inst.histLineLow.setAttribute("visibility", "hidden");
  inst.reason.textContent = reason;
  drawBand(inst, active);
}

// LR+ and LR- of stop i with their log-method intervals (Simel 1991), all from Python's stop table.
// A zero count makes the plain ratio infinite or zero: the interval then has 0.5 added to every cell.
function lrText(value, lo, hi, zeroNote) {
  const ci = isNum(lo) && isNum(hi) ? `95 % CI ${fmtLR(lo)}–${fmtLR(hi)}` : "";
  if (!isNum(value) && !ci) return ["—", "not estimable: nobody is on one side of this threshold"];
  if (!isNum(value)) return ["∞", `${ci}; ${zeroNote}, 0.5 added to every cell`];
  return [fmtLR(value), zeroNote && ci ? `${ci}; ${zeroNote}, 0.5 added to every cell` : ci || "\u00a0"];
}

function renderLR(inst, i) {
  const s = inst.data.stops;
  if (!s.lr_pos_lo) { // an older payload without the interval columns
    inst.lrp.textContent = "—";
    inst.lrn.textContent = "—";
    return;
  }
  const zp = s.fp[i] === 0 ? "no false alarm" : s.tp[i] === 0 ? "no true positive" : "";
  const zn = s.tn[i] === 0 ? "no true negative" : s.fn[i] === 0 ? "no missed case" : "";
  const [pv, pci] = lrText(s.lr_pos[i], s.lr_pos_lo[i], s.lr_pos_hi[i], zp);
  const [nv, nci] = lrText(s.lr_neg[i], s.lr_neg_lo[i], s.lr_neg_hi[i], zn);
  inst.lrp.textContent = pv;
  inst.lrpCi.textContent = pci;
  inst.lrn.textContent = nv;
  inst.lrnCi.textContent = nci;
}

// Post-test probability for a positive and a negative result at the typed pre-test probability, with the
// LR's interval carried through the same (monotone) formula: the uncertainty of the test, not of the guess.
function renderPost(inst) {
  const d = inst.data;
  if (!d || !d.stops || !d.stops.lr_pos_lo) return;
  const s = d.stops;
  const i = inst.idx;
  const raw = Number(inst.pretest.value);
  const pre = raw / 100;
  inst.fagan.replaceChildren();
  if (!(raw > 0 && raw < 100)) {
    inst.post.textContent = "Type a pre-test probability between 0.01 and 99.99 % to see the post-test probabilities.";
    return;
  }
  const lrPos = isNum(s.lr_pos[i]) ? s.lr_pos[i] : s.lr_pos[i] === null && isNum(s.lr_pos_lo[i]) ? Infinity : null;
  const one = (lr, lo, hi) => {
    if (lr === Infinity) return { v: 1, lo: postTest(pre, lo), hi: 1 };
    const v = postTest(pre, lr);
    return v === null ? null : { v, lo: postTest(pre, lo), hi: postTest(pre, hi) };
  };
  const pos = one(lrPos, s.lr_pos_lo[i], s.lr_pos_hi[i]);
  const neg = one(s.lr_neg[i], s.lr_neg_lo[i], s.lr_neg_hi[i]);
  const part = (p, verb, why) => {
    if (!p) return `after a ${verb} result: not estimable (${why})`;
    const ci = isNum(p.lo) && isNum(p.hi) ? ` (95 % CI ${fmtPct(p.lo)} to ${fmtPct(p.hi)})` : "";
    return `a ${verb} result makes it ${fmtPct(p.v)}${ci}`;
  };
  inst.post.textContent =
    `For a patient whose chance of disease is ${fmtPct(pre)} before the test: ` +
    `${part(pos, "positive", "nobody is flagged at this threshold")}; ` +
    `${part(neg, "negative", "everybody is flagged at this threshold")}.`;
  drawFagan(inst, pre, pos, neg);
}

// A Fagan-style picture on one 0-100 % axis: the pre-test dot and an arrow to each post-test dot (+ red,
// - green), each with its 95 % interval as a band.
function drawFagan(inst, pre, pos, neg) {
  const svg = inst.fagan;
  const L = 40, W = 270;
  const sx = (v) => L + Math.min(Math.max(v, 0), 1) * W;
  svg.appendChild(svgEl("line", { x1: L, y1: 52, x2: L + W, y2: 52, class: "te-axis" }));
  for (const v of [0, 0.25, 0.5, 0.75, 1]) svg.appendChild(svgText(sx(v), 62, `${Math.round(100 * v)} %`));
  const row = (p, y, label, cls) => {
    svg.appendChild(svgText(L - 6, y + 3, label, "end"));
    svg.appendChild(svgEl("circle", { cx: sx(pre), cy: y, r: 3.5, class: "te-pre-dot" }));
    if (!p) return;
    if (isNum(p.lo) && isNum(p.hi)) {
      const a = sx(Math.min(p.lo, p.hi));
      svg.appendChild(svgEl("rect", { x: a, y: y - 5, width: Math.max(1, sx(Math.max(p.lo, p.hi)) - a), height: 10, class: `te-ci-${cls}` }));
    }
    svg.appendChild(svgEl("line", { x1: sx(pre), y1: y, x2: sx(p.v), y2: y, class: "te-arrow" }));
    svg.appendChild(svgEl("circle", { cx: sx(p.v), cy: y, r: 4.5, class: `te-post-${cls}`, "data-testid": `te-fagan-${cls}` }));
  };
  row(pos, 14, "+ result", "pos");
  row(neg, 36, "− result", "neg");
}

// Where stop index i sits along the range (the usable track is 100% minus one 16px thumb).
const trackPos = (frac) => `calc(8px + ${(100 * frac).toFixed(3)}% - ${(16 * frac).toFixed(3)}px)`;

// The 95 % band of the active suggestion's threshold over resampled picks, and its sentence (from Python).
function drawBand(inst, key) {
  const u = key && inst.data.uncertainty ? inst.data.uncertainty[key] : null;
  const n = inst.data.stops.threshold.length;
  if (!u || n < 2 || !Number.isInteger(u.lo_index) || !Number.isInteger(u.hi_index)) {
    inst.band.hidden = true;
    inst.unc.textContent = inst.data.uncertainty_note || "";
    return;
  }
  const a = u.lo_index / (n - 1);
  const b = u.hi_index / (n - 1);
  inst.band.style.left = trackPos(a);
  inst.band.style.width = `calc(${(100 * (b - a)).toFixed(3)}% - ${(16 * (b - a)).toFixed(3)}px + 2px)`;
  inst.band.hidden = false;
  inst.unc.textContent = u.text || "";
}

const fmtShare = (v) => (isNum(v) ? `${(100 * Math.max(0, v)).toFixed(1)} %` : "—");
const fmtPv = (v, lo, hi) => (isNum(v) ? `${fmtP(v)} (${fmtP(lo)}–${fmtP(hi)})` : "— (empty zone)");
const fmtK = (v) => (isNum(v) ? Math.max(0, v).toFixed(v < 10 ? 1 : 0) : "—");

// Rule mode: two lookups (rule-out at stop lo, rule-in at stop hi) and formatting.
function renderRule(inst, loIdx, hiIdx) {
  const d = inst.data;
  const s = d.stops;
  const z = d.zones;
  const n = s.threshold.length;
  if (n === 0 || !z) return;
  const i = Math.min(Math.max(loIdx | 0, 0), n - 1);
  const j = Math.min(Math.max(hiIdx | 0, i), n - 1);
  inst.lo = i;
  inst.hi = j;
  inst.idx = j;
  const tl = s.threshold[i];
  const th = s.threshold[j];
  inst.value.textContent = `${fmtThr(tl)} – ${fmtThr(th)}`;
  const c = inst.zcell;
  const outPos = s.fn[i], outNeg = s.tn[i], inPos = s.tp[j], inNeg = s.fp[j];
  c["out-n"].textContent = `${fmtInt(outPos + outNeg)} (${fmtShare(z.share_below[i])})`;
  c["out-pos"].textContent = `${fmtInt(outPos)} missed`;
  c["out-neg"].textContent = fmtInt(outNeg);
  c["out-pv"].textContent = `NPV ${fmtPv(s.npv[i], s.npv_lo[i], s.npv_hi[i])}`;
  c["out-dep"].textContent = `NPV ${fmtPv(s.npv_deploy[i], s.npv_deploy_lo[i], s.npv_deploy_hi[i])}`;
  c["out-k"].textContent = fmtK(z.per1000_below[i]);
  const midPos = d.n_pos - outPos - inPos;
  const midNeg = d.n_neg - outNeg - inNeg;
  c["mid-n"].textContent = `${fmtInt(midPos + midNeg)} (${fmtShare(1 - z.share_below[i] - z.share_at_or_above[j])})`;
  c["mid-pos"].textContent = fmtInt(midPos);
  c["mid-neg"].textContent = fmtInt(midNeg);
  const midK = 1000 - z.per1000_below[i] - s.per1000_flagged[j];
  c["mid-k"].textContent = fmtK(midK);
  c["in-n"].textContent = `${fmtInt(inPos + inNeg)} (${fmtShare(z.share_at_or_above[j])})`;
  c["in-pos"].textContent = fmtInt(inPos);
  c["in-neg"].textContent = `${fmtInt(inNeg)} false alarms`;
  c["in-pv"].textContent = `PPV ${fmtPv(s.ppv[j], s.ppv_lo[j], s.ppv_hi[j])}`;
  c["in-dep"].textContent = `PPV ${fmtPv(s.ppv_deploy[j], s.ppv_deploy_lo[j], s.ppv_deploy_hi[j])}`;
  c["in-k"].textContent = fmtK(s.per1000_flagged[j]);
  inst.outRule.textContent = `score below ${fmtThr(tl)}`;
  inst.inRule.textContent = `score ≥ ${fmtThr(th)}`;
  inst.zoneFreq.textContent =
    `Of 1,000 patients like these (disease in ${prevText(d)}): ${fmtK(z.per1000_below[i])} ruled out, ` +
    `of whom ${fmtK(s.per1000_missed[i])} missed cases; ${fmtK(midK)} sent for further testing; ` +
    `${fmtK(s.per1000_flagged[j])} ruled in, of whom ${fmtK(z.per1000_false_alarms[j])} false alarms.`;
  inst.range.setAttribute(
    "aria-valuetext",
    `rule out below ${fmtThr(tl)}: ${fmtInt(outPos + outNeg)} patients, ${fmtInt(outPos)} missed, NPV ${fmtPv(s.npv[i], s.npv_lo[i], s.npv_hi[i])}`,
  );
  inst.range2.setAttribute(
    "aria-valuetext",
    `rule in at or above ${fmtThr(th)}: ${fmtInt(inPos + inNeg)} patients, ${fmtInt(inNeg)} false alarms, PPV ${fmtPv(s.ppv[j], s.ppv_lo[j], s.ppv_hi[j])}`,
  );
  const a = n > 1 ? i / (n - 1) : 0;
  const b = n > 1 ? j / (n - 1) : 1;
  inst.zbar.out.style.left = "0";
  inst.zbar.out.style.width = `${(100 * a).toFixed(3)}%`;
  inst.zbar.mid.style.left = `${(100 * a).toFixed(3)}%`;
  inst.zbar.mid.style.width = `${(100 * (b - a)).toFixed(3)}%`;
  inst.zbar.inn.style.left = `${(100 * b).toFixed(3)}%`;
  inst.zbar.inn.style.right = "0";
  // Operating points: the rule-in handle's (sensitivity, specificity) on the curves, the histogram line.
  const sens = s.sensitivity[j];
  const spec = s.specificity[j];
  const showRoc = isNum(sens) && isNum(spec);
  inst.rocPoint.setAttribute("visibility", showRoc ? "visible" : "hidden");
  if (showRoc) {
    inst.rocPoint.setAttribute("cx", inst.rocMap.sx(1 - spec).toFixed(1));
    inst.rocPoint.setAttribute("cy", inst.rocMap.sy(sens).toFixed(1));
  }
  inst.prPoint.setAttribute("visibility", "hidden");
  const hx = inst.histX(th).toFixed(1);
  inst.histLine.setAttribute("x1", hx);
  inst.histLine.setAttribute("x2", hx);
  const lx = inst.histX(tl).toFixed(1); // both cut-offs on the histogram (issue 23)
  inst.histLineLow.setAttribute("x1", lx);
  inst.histLineLow.setAttribute("x2", lx);
  inst.histLineLow.setAttribute("visibility", "visible");
  const rp = d.rule_pick;
  inst.reason.textContent = rp && rp.low_index === i && rp.high_index === j ? rp.reason || "" : "";
  inst.unc.textContent = "";
}

// Send both cut-offs to Python, once per distinct pair.
function commitRule(inst) {
  const s = inst.data.stops.threshold;
  const pair = [s[inst.lo], s[inst.hi]];
  if (!isNum(pair[0]) || !isNum(pair[1])) return;
  const last = inst.committedRule;
  if (last && last[0] === pair[0] && last[1] === pair[1]) return;
  inst.committedRule = pair;
  if (inst.setStateValue) inst.setStateValue("rule", pair);
}

// Send the current stop's threshold to Python, once per distinct value.
// The pressed suggestion's key goes first ("pick", null after a drag), so Python names the threshold after
// the button pressed even when two suggestions tie; pressing the other tied button re-sends the name only.
function commit(inst, fromPick = true) {
  const t = inst.data.stops.threshold[inst.idx];
  if (!isNum(t)) return;
  const pick = fromPick ? inst.pressedPick : null;
  if (!fromPick) inst.pressedPick = null;
  if (t === inst.committed && pick === inst.committedPick) return;
  inst.committedPick = pick;
  if (inst.setStateValue) inst.setStateValue("pick", pick);
  if (t === inst.committed) return;
  inst.committed = t;
  if (inst.setStateValue) inst.setStateValue("threshold", t);
}

// Python sends the payload as UTF-8 JSON bytes (cheaper to send than a dict); accept a parsed object too.
function decode(data) {
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    return JSON.parse(new TextDecoder().decode(data));
  }
  return data;
}

export default function (component) {
  const { parentElement, setStateValue } = component;
  const data = decode(component.data);
  let inst = INSTANCES.get(parentElement);
  if (!inst) {
    inst = init(parentElement);
    INSTANCES.set(parentElement, inst);
  }
  inst.setStateValue = setStateValue;
  if (!data || !data.stops || !data.stops.threshold) return undefined;
  const previous = inst.data;
  const current = previous ? previous.stops.threshold[inst.idx] : null;
  inst.data = data;
  drawStatic(inst);
  const stops = data.stops.threshold;
  let idx;
  if (previous && isNum(current)) {
    idx = nearestIndex(stops, current); // still mounted: keep the person's threshold, new numbers
  } else if (isNum(data.committed_threshold)) {
    idx = nearestIndex(stops, data.committed_threshold); // mounted afresh: reopen where it was left
    inst.committed = data.committed_threshold;
  } else {
    idx = Number.isInteger(data.initial_index) ? data.initial_index : 0;
  }
  if (inst.mode === "rule") {
    const rule = Array.isArray(data.committed_rule) ? data.committed_rule : null;
    const rp = data.rule_pick;
    let lo;
    let hi;
    if (previous && previous.mode === "rule") {
      lo = nearestIndex(stops, previous.stops.threshold[inst.lo]);
      hi = nearestIndex(stops, previous.stops.threshold[inst.hi]);
    } else if (rule && isNum(rule[0]) && isNum(rule[1])) {
      lo = nearestIndex(stops, rule[0]);
      hi = nearestIndex(stops, rule[1]);
      inst.committedRule = rule;
    } else if (rp && Number.isInteger(rp.low_index) && Number.isInteger(rp.high_index)) {
      lo = rp.low_index;
      hi = rp.high_index;
    } else {
      lo = idx;
      hi = idx;
    }
    hi = Math.max(lo, hi);
    inst.range.value = String(lo);
    inst.range2.value = String(hi);
    renderRule(inst, lo, hi);
    return undefined;
  }
  inst.range.value = String(idx);
  render(inst, idx);
  return undefined;
}
