// The dashboard: polls /dashboard/samples every second and draws with uPlot (from its WebJar).
(function () {
  "use strict";
  const KEEP = 120;
  const COLORS = ["#38bdf8", "#22c55e", "#f59e0b", "#a855f7", "#ef4444", "#2dd4bf", "#f472b6"];
  const nodes = Array.from(document.querySelectorAll(".node")).map(el => el.dataset.node);
  const color = name => COLORS[nodes.indexOf(name) % COLORS.length];
  const samples = [];
  let last = 0;
  const charts = {};

  function chart(id, series, opts) {
    const el = document.getElementById(id);
    const o = Object.assign({
      width: el.clientWidth || 420, height: 190,
      scales: { x: { time: true } },
      axes: [
        { stroke: "#94a3b8", grid: { stroke: "#1e293b" }, ticks: { stroke: "#1e293b" } },
        { stroke: "#94a3b8", grid: { stroke: "#1e293b" }, ticks: { stroke: "#1e293b" }, size: 60 },
      ],
      series: [{}].concat(series.map(s => Object.assign({ width: 2, points: { show: false } }, s))),
    }, opts || {});
    const c = new uPlot(o, [[]].concat(series.map(() => [])), el);
    charts[id] = { plot: c, el: el };
    return c;
  }

  const perNode = (names) => names.map(n => ({ label: n, stroke: color(n) }));

  chart("chart-statements", perNode(nodes));
  chart("chart-lag", perNode(nodes));
  chart("chart-lag-bytes", perNode(nodes));
  chart("chart-serving", perNode(nodes).map(s => Object.assign(s, { paths: uPlot.paths.stepped({ align: 1 }) })),
        { scales: { x: { time: true }, y: { range: [-0.1, 1.1] } } });
  const EVENTS = [["ejections", "#f59e0b"], ["readmissions", "#22c55e"], ["fallbacks", "#ef4444"],
                  ["retries", "#a855f7"], ["consistencyWaits", "#38bdf8"]];
  chart("chart-events", EVENTS.map(([k, c]) => ({ label: k, stroke: c })));
  const TOKENS = [["tokensIssued", "#38bdf8", "c"], ["tokensReceived", "#2dd4bf", "c"], ["rywOk", "#22c55e", "l"],
                  ["rywStale", "#ef4444", "l"]];
  chart("chart-tokens", TOKENS.map(([k, c]) => ({ label: k, stroke: c })));

  const nodeOf = (s, n) => s.nodes.find(x => x.name === n);
  function rate(key, from) {
    return samples.map((s, i) => {
      if (i === 0) return 0;
      const p = samples[i - 1];
      const dt = Math.max(0.001, (s.epochMillis - p.epochMillis) / 1000);
      const v = from === "l" ? s.load[key] - p.load[key] : s.counters[key] - p.counters[key];
      return Math.max(0, v) / dt;
    });
  }

  function redraw() {
    const xs = samples.map(s => s.epochMillis / 1000);
    const col = (f) => nodes.map(n => samples.map(s => { const x = nodeOf(s, n); return x ? f(x) : null; }));
    charts["chart-statements"].plot.setData([xs].concat(col(x => x.statementsPerSecond)));
    charts["chart-lag"].plot.setData([xs].concat(col(x => x.role === "primary" ? null : Math.max(0, x.lagMs))));
    charts["chart-lag-bytes"].plot.setData([xs].concat(col(x => x.role === "primary" ? null : x.lagBytes)));
    charts["chart-serving"].plot.setData([xs].concat(col(x => x.serving ? 1 : 0)));
    charts["chart-events"].plot.setData([xs].concat(EVENTS.map(([k]) => rate(k, "c"))));
    charts["chart-tokens"].plot.setData([xs].concat(TOKENS.map(([k, , f]) => rate(k, f))));
  }

  const bytes = b => b < 1024 ? b + " B" : b < 1048576 ? (b / 1024).toFixed(1) + " KiB" : (b / 1048576).toFixed(1) + " MiB";
  function cards(s) {
    for (const n of s.nodes) {
      const el = document.getElementById("node-" + n.name);
      if (!el) continue;
      el.className = "node state-" + n.state;
      const set = (f, v) => { const x = el.querySelector('[data-f="' + f + '"]'); if (x) x.textContent = v; };
      set("role", n.name === s.primary ? "primary" : n.role);
      set("state", n.state);
      set("lagMs", n.name === s.primary ? "0" : n.lagMs < 0 ? "?" : n.lagMs);
      set("lagBytes", n.name === s.primary ? "0 B" : bytes(n.lagBytes));
      set("rate", n.statementsPerSecond.toFixed(1));
      set("active", n.poolActive);
      set("error", n.serving ? "" : (n.lastError || ""));
    }
    document.querySelectorAll(".tile").forEach(t => {
      const v = t.dataset.c ? s.counters[t.dataset.c] : s.load[t.dataset.l];
      const b = t.querySelector("b");
      if (v !== undefined && b.textContent !== String(v)) {
        b.textContent = v;
        t.classList.remove("flash"); void t.offsetWidth; t.classList.add("flash");
      }
    });
    document.getElementById("clock").textContent = new Date(s.epochMillis).toLocaleTimeString()
      + (s.load.running ? " · load " + s.load.rate + " req/s, " + s.load.secondsLeft + " s left" : "");
  }

  async function poll() {
    try {
      const r = await fetch("/dashboard/samples?after=" + last, { cache: "no-store" });
      if (r.ok) {
        const fresh = await r.json();
        for (const s of fresh) { samples.push(s); last = s.seq; }
        while (samples.length > KEEP) samples.shift();
        if (fresh.length) { cards(samples[samples.length - 1]); redraw(); }
      }
    } catch (e) { /* the app restarting: try again next second */ }
    setTimeout(poll, 1000);
  }

  window.addEventListener("resize", () => Object.values(charts).forEach(c =>
    c.plot.setSize({ width: c.el.clientWidth, height: 190 })));
  window.forumDashboard = { samples: samples };
  poll();
})();
