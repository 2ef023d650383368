/* igfkg network report: draws the charts and the network from the JSON
   data block, with no library and no network access. When done it writes
   its own status (counts, errors) to <html data-report-status>, so a
   headless browser can check the page. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var status = { rendered: false, errors: [] };
  function writeStatus() {
    document.documentElement.setAttribute("data-report-status", JSON.stringify(status));
  }
  window.addEventListener("error", function (e) { status.errors.push(String(e.message)); writeStatus(); });
  document.addEventListener("securitypolicyviolation", function (e) {
    status.errors.push("blocked by CSP: " + e.violatedDirective + " " + e.blockedURI); writeStatus();
  });

  var GROUP_COLORS = {
    "Government": "#1f77b4", "Civil Society": "#2ca02c", "Private Sector": "#ff7f0e",
    "Technical Community": "#9467bd", "Intergovernmental Organization": "#8c564b", "Unknown": "#a0a0a0"
  };
  var REGION_COLORS = {
    "African Group": "#e6ab02", "Asia-Pacific Group": "#d95f02", "Eastern European Group": "#7570b3",
    "Latin American and Caribbean Group (GRULAC)": "#1b9e77", "Western European and Others Group (WEOG)": "#e7298a",
    "Intergovernmental Organization": "#66a61e", "Unknown": "#a0a0a0"
  };
  var SHORT = {
    "African Group": "African", "Asia-Pacific Group": "Asia-Pacific", "Eastern European Group": "Eastern European",
    "Latin American and Caribbean Group (GRULAC)": "GRULAC", "Western European and Others Group (WEOG)": "WEOG",
    "Intergovernmental Organization": "IGO"
  };

  function make(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, key)) node.setAttribute(key, attrs[key]); }
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, value, anchor) {
    var t = make("text", { x: x, y: y, "text-anchor": anchor || "start" }, parent);
    t.textContent = value;
    return t;
  }
  function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function colorOf(group) { return GROUP_COLORS[group] || GROUP_COLORS.Unknown; }

  // ------------------------------------------------------------------ network
  function drawNetwork(net) {
    var svg = document.getElementById("network");
    var wrap = document.getElementById("network-wrap");
    var tooltip = document.getElementById("tooltip");
    var W = 1000, H = 640, PAD = 30;
    make("rect", { x: -1e5, y: -1e5, width: 2e5, height: 2e5, fill: "transparent" }, svg);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    var viewport = make("g", { id: "viewport" }, svg);
    var nodes = net.nodes;
    var xs = nodes.map(function (n) { return n.x; }), ys = nodes.map(function (n) { return n.y; });
    var minX = Math.min.apply(null, xs.concat([0])), maxX = Math.max.apply(null, xs.concat([1]));
    var minY = Math.min.apply(null, ys.concat([0])), maxY = Math.max.apply(null, ys.concat([1]));
    var s = Math.min((W - 2 * PAD) / Math.max(maxX - minX, 1e-9), (H - 2 * PAD) / Math.max(maxY - minY, 1e-9));
    function px(n) { return PAD + (n.x - minX) * s + ((W - 2 * PAD) - (maxX - minX) * s) / 2; }
    function py(n) { return PAD + (n.y - minY) * s + ((H - 2 * PAD) - (maxY - minY) * s) / 2; }
    var maxW = Math.max.apply(null, nodes.map(function (n) { return n.weight; }).concat([1]));
    var edgeLayer = make("g", { "class": "edges" }, viewport);
    net.edges.forEach(function (e) {
      var a = nodes[e[0]], b = nodes[e[1]];
      make("line", { x1: px(a), y1: py(a), x2: px(b), y2: py(b), "stroke-width": Math.min(4, 0.5 + 0.5 * Math.log(1 + e[2])) }, edgeLayer);
    });
    var nodeLayer = make("g", { "class": "nodes" }, viewport);
    var circles = nodes.map(function (n, i) {
      return make("circle", { "class": "node", cx: px(n), cy: py(n), r: 3 + 9 * Math.sqrt(n.weight / maxW),
        fill: colorOf(n.group), "data-index": i }, nodeLayer);
    });

    var legend = document.getElementById("legend");
    var present = {};
    nodes.forEach(function (n) { present[n.group] = (present[n.group] || 0) + 1; });
    Object.keys(GROUP_COLORS).forEach(function (g) {
      if (!present[g]) return;
      var item = document.createElement("span");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = GROUP_COLORS[g];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(g + " (" + present[g] + ")"));
      legend.appendChild(item);
    });

    // zoom and pan: one transform on the viewport group
    var view = { k: 1, x: 0, y: 0 };
    function apply() { viewport.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")"); }
    function toSvg(evt) {
      var r = svg.getBoundingClientRect();
      return { x: (evt.clientX - r.left) * W / r.width, y: (evt.clientY - r.top) * H / r.height };
    }
    svg.addEventListener("wheel", function (evt) {
      evt.preventDefault();
      var p = toSvg(evt), factor = Math.exp(-evt.deltaY * 0.0015);
      var k = Math.max(0.2, Math.min(40, view.k * factor));
      view.x = p.x - (p.x - view.x) * k / view.k;
      view.y = p.y - (p.y - view.y) * k / view.k;
      view.k = k;
      apply();
    }, { passive: false });
    var drag = null;
    svg.addEventListener("mousedown", function (evt) { drag = { p: toSvg(evt), x: view.x, y: view.y }; svg.classList.add("dragging"); });
    window.addEventListener("mousemove", function (evt) {
      if (!drag) return;
      var p = toSvg(evt);
      view.x = drag.x + p.x - drag.p.x; view.y = drag.y + p.y - drag.p.y; apply();
    });
    window.addEventListener("mouseup", function () { drag = null; svg.classList.remove("dragging"); });
    document.getElementById("reset-view").addEventListener("click", function () { view = { k: 1, x: 0, y: 0 }; apply(); });

    function showTooltip(i, evt) {
      var n = nodes[i];
      while (tooltip.firstChild) tooltip.removeChild(tooltip.firstChild);
      var title = document.createElement("strong");
      title.textContent = n.name;
      tooltip.appendChild(title);
      [["Stakeholder group", n.groups || "Unknown"], ["Region", n.regions ? n.regions.split("; ").map(function (r) { return SHORT[r] || r; }).join("; ") : "Unknown"],
       ["Sessions", String(n.session_count)], ["Co-participations", String(n.weight)]].forEach(function (row) {
        var line = document.createElement("div");
        line.textContent = row[0] + ": " + row[1];
        tooltip.appendChild(line);
      });
      var list = document.createElement("ul");
      n.sessions.forEach(function (title) { var li = document.createElement("li"); li.textContent = title; list.appendChild(li); });
      tooltip.appendChild(list);
      var r = wrap.getBoundingClientRect();
      tooltip.style.left = Math.min(evt.clientX - r.left + 12, r.width - 240) + "px";
      tooltip.style.top = (evt.clientY - r.top + 12) + "px";
      tooltip.hidden = false;
    }
    nodeLayer.addEventListener("mouseover", function (evt) {
      var i = evt.target.getAttribute("data-index");
      if (i === null) return;
      evt.target.classList.add("hover");
      showTooltip(+i, evt);
    });
    nodeLayer.addEventListener("mouseout", function (evt) {
      if (evt.target.classList) evt.target.classList.remove("hover");
      tooltip.hidden = true;
    });

    var search = document.getElementById("search"), result = document.getElementById("search-result");
    var folded = nodes.map(function (n) { return fold(n.name); });
    search.addEventListener("input", function () {
      var q = fold(search.value.trim()), hits = [];
      circles.forEach(function (c, i) {
        var hit = q !== "" && folded[i].indexOf(q) >= 0;
        c.classList.toggle("match", hit);
        c.classList.toggle("dim", q !== "" && !hit);
        if (hit) hits.push(i);
      });
      result.textContent = q === "" ? "" : hits.length + (hits.length === 1 ? " person" : " people") + " found";
      if (hits.length) {  // centre on the first match
        var n = nodes[hits[0]];
        view.k = Math.max(view.k, 3);
        view.x = W / 2 - px(n) * view.k; view.y = H / 2 - py(n) * view.k;
        apply();
      }
    });
    return circles.length;
  }

  // ------------------------------------------------------------------ charts
  function drawBalance(id, balance, colors) {
    var svg = document.getElementById(id);
    var W = 480, H = 300, left = 40, right = 150, top = 10, bottom = 30;
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    var years = Object.keys(balance.years);
    var bw = (W - left - right) / Math.max(years.length, 1);
    var labelEvery = Math.max(1, Math.ceil(34 / bw));  // year labels must not overlap
    make("line", { "class": "axis", x1: left, y1: H - bottom, x2: W - right, y2: H - bottom }, svg);
    [0, 0.5, 1].forEach(function (t) { text(svg, left - 4, top + (1 - t) * (H - top - bottom) + 4, Math.round(t * 100) + "%", "end"); });
    var bars = 0;
    years.forEach(function (year, i) {
      var counts = balance.years[year], total = 0;
      balance.labels.forEach(function (l) { total += counts[l] || 0; });
      var y = H - bottom;
      balance.labels.forEach(function (label) {
        var c = counts[label] || 0;
        if (!c) return;
        var h = (H - top - bottom) * c / total;
        y -= h;
        var bar = make("rect", { "class": "bar", x: left + i * bw + bw * 0.15, y: y, width: bw * 0.7, height: h, fill: colors[label] || "#a0a0a0" }, svg);
        var tip = make("title", {}, bar);
        tip.textContent = year + " · " + (SHORT[label] || label) + ": " + c + " (" + Math.round(100 * c / total) + "%)";
        bars += 1;
      });
      if (i % labelEvery === 0) text(svg, left + i * bw + bw / 2, H - bottom + 14, year, "middle");
    });
    balance.labels.forEach(function (label, j) {
      make("rect", { x: W - right + 10, y: top + j * 18, width: 10, height: 10, fill: colors[label] || "#a0a0a0" }, svg);
      text(svg, W - right + 25, top + j * 18 + 9, SHORT[label] || label);
    });
    return bars;
  }

  function drawTop(id, actors) {
    var svg = document.getElementById(id);
    var rowH = 18, left = 170, W = 480, H = Math.max(60, 10 + actors.length * rowH);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("height", H);
    var max = Math.max.apply(null, actors.map(function (a) { return a.value; }).concat([1]));
    actors.forEach(function (a, i) {
      var y = 5 + i * rowH;
      text(svg, left - 6, y + 12, a.name.length > 26 ? a.name.slice(0, 25) + "…" : a.name, "end");
      var bar = make("rect", { "class": "bar", x: left, y: y + 2, height: rowH - 5, width: Math.max(1, (W - left - 50) * a.value / max), fill: colorOf(a.stakeholder_group) }, svg);
      make("title", {}, bar).textContent = a.name + ": " + a.value + " co-participations";
      text(svg, left + (W - left - 50) * a.value / max + 4, y + 12, String(a.value));
    });
    return actors.length;
  }

  var data = JSON.parse(document.getElementById("report-data").textContent);
  status.nodes = drawNetwork(data.network);
  status.edges = data.network.edges.length;
  status.stakeholder_bars = drawBalance("chart-stakeholder", data.charts.balance.stakeholder_group, GROUP_COLORS);
  status.region_bars = drawBalance("chart-region", data.charts.balance.region, REGION_COLORS);
  status.top_actors = drawTop("chart-top", data.charts.top_actors);
  status.rendered = true;
  writeStatus();
})();
