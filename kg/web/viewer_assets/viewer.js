/* kg viewer: draws the graph of the JSON block #kg-data with vis-network.
 *
 * Safety rule of this file: text from the data (names, aliases, evidence,
 * documents) only ever reaches the page through textContent, DOM properties
 * or vis-network's canvas labels -- never parsed as markup --
 * so an entity named like a script tag is shown, not run.
 *
 * What tests and benchmarks use is exposed on window: kgNetwork, kgNodes,
 * kgEdges (the full vis DataSets), kgNodesView, kgEdgesView (the filtered
 * DataViews), kgFind(query) -> node id, kgFocus(id), kgSetPeriod(from, to,
 * undated) (the period filter, when the data has dated statements), kgReady / kgReadyAt
 * (set after the first drawing once the layout is settled).
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var style = data.style;
  var large = data.large;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function row(key, value) {
    var d = el("div", null, "kg-tip-row");
    d.appendChild(el("span", key + ": ", "kg-tip-key"));
    d.appendChild(el("span", value));
    return d;
  }

  function evidenceList(evidence, total) {
    var ul = el("ul", null, "kg-tip-ev");
    evidence.forEach(function (ev) {
      var li = el("li", ev.sentence);
      var source = [ev.doc];
      if (ev.trigger) { source.push("trigger " + ev.trigger); }
      if (ev.confidence !== null && ev.confidence !== undefined) { source.push("confidence " + ev.confidence); }
      if (ev.date) { source.push("dated " + ev.date); }
      li.appendChild(el("div", source.join(" · "), "kg-tip-doc"));
      ul.appendChild(li);
    });
    if (total > evidence.length) {
      ul.appendChild(el("li", "… " + (total - evidence.length) + " more", "kg-tip-doc"));
    }
    return ul;
  }

  function nodeTip(n) {
    var d = el("div", null, "kg-tip");
    d.appendChild(el("div", n.name, "kg-tip-name"));
    d.appendChild(row("type", n.type + " · " + n.sector));
    if (n.aliases.length) { d.appendChild(row("aliases", n.aliases.join("、"))); }
    if (n.pinyin) { d.appendChild(row("pinyin", n.pinyin)); }
    if (n.cluster !== null) { d.appendChild(row("cluster", n.cluster)); }
    if (n.score !== null) { d.appendChild(row("broker score", n.score)); }
    if (n.docs.length) {
      d.appendChild(row("documents", n.docs.join(", ") + (n.docs_total > n.docs.length ? " …" : "")));
    }
    if (n.evidence.length) { d.appendChild(evidenceList(n.evidence, n.evidence_total)); }
    return d;
  }

  function edgeTip(e) {
    var d = el("div", null, "kg-tip");
    d.appendChild(el("div", e.subject + " —" + e.predicate + "→ " + e.object, "kg-tip-name"));
    if (e.title) { d.appendChild(row("title", e.title)); }
    d.appendChild(row("evidence", e.count));
    d.appendChild(evidenceList(e.evidence, e.count));
    return d;
  }

  var meta = {}, emeta = {};
  var nodeItems = data.nodes.map(function (n) {
    meta[n.id] = n;
    var item = Object.assign({}, n.vis);
    item.title = nodeTip(n);
    return item;
  });
  var edgeItems = data.edges.map(function (e) {
    emeta[e.id] = e;
    var item = Object.assign({}, e.vis);
    item.title = edgeTip(e);
    return item;
  });

  var typeOn = {}, predicateOn = {}, clusterOn = {};
  // period filter: an edge shows when one of its statements is dated in
  // [from, to] (or is undated, with the box ticked); a node with relations
  // shows when one of them does
  var period = { from: null, to: null, undated: true, active: false };
  var periodNodes = {};
  function edgeInPeriod(e) {
    if (!period.active) { return true; }
    if (e.undated && period.undated) { return true; }
    return (e.years || []).some(function (y) {
      return (period.from === null || y >= period.from) && (period.to === null || y <= period.to);
    });
  }
  function updatePeriodNodes() {
    periodNodes = {};
    data.edges.forEach(function (e) {
      if (edgeInPeriod(e)) { periodNodes[e.subject] = true; periodNodes[e.object] = true; }
    });
  }
  var degree = {};
  data.edges.forEach(function (e) { degree[e.subject] = 1; degree[e.object] = 1; });
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var nodesView = new vis.DataView(nodes, { filter: function (item) {
    var m = meta[item.id];
    if (period.active && degree[m.name] && !periodNodes[m.name]) { return false; }
    return typeOn[m.type] !== false && (m.cluster === null || clusterOn[m.cluster] !== false);
  } });
  var edgesView = new vis.DataView(edges, { filter: function (item) {
    var e = emeta[item.id];
    return predicateOn[e.predicate] !== false && edgeInPeriod(e);
  } });

  var options = {
    autoResize: true,
    nodes: {
      borderWidth: 1,
      font: { size: 14, face: "system-ui, Noto Sans CJK SC, sans-serif", strokeWidth: 3, strokeColor: "#ffffff" },
      // labels smaller than 10 px on screen are not drawn: the central ones are (labels.js)
      scaling: { label: { enabled: false, drawThreshold: 11 } }
    },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.5 } },
      color: { color: style.edge_colour, highlight: style.highlight_colour, hover: "#555555", inherit: false },
      font: { size: 10, align: "middle", color: "#555555", strokeWidth: 3, strokeColor: "#ffffff" },
      smooth: large ? false : { enabled: true, type: "continuous", roundness: 0.2 },
      selectionWidth: 2
    },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: large, hideEdgesOnZoom: large, navigationButtons: false },
    // positions come from the data (computed in Python): no physics, no waiting
    physics: false
  };

  var container = document.getElementById("kg-graph");
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, options);

  // the most central entities are named at every zoom (labels.js)
  window.kgLabelCentral(network, data.nodes.filter(function (n) { return n.rank !== null && n.rank !== undefined; })
    .sort(function (a, b) { return a.rank - b.rank; })
    .map(function (n) {
      var faded = data.paths && data.paths.length && !n.highlight;
      return { id: n.id, label: n.name, colour: faded ? "#9a9a9a" : null };
    }),
    { fontSize: 14, drawThreshold: options.nodes.scaling.label.drawThreshold });

  window.kgReady = false;
  function markReady() {
    if (window.kgReady) { return; }
    window.kgReady = true;
    window.kgReadyAt = performance.now();
    document.body.setAttribute("data-kg-ready", "1");
  }
  network.once("afterDrawing", function () {
    // connect pages open on the paths (fit draws again before we are ready)
    var onPaths = data.nodes.filter(function (n) { return n.highlight; })
      .map(function (n) { return n.id; });
    if (data.paths.length && onPaths.length > 1) {
      network.fit({ nodes: onPaths });
      network.once("afterDrawing", markReady);
      network.redraw();
    } else {
      markReady();
    }
  });
  network.redraw();

  // --- title, summary, message ---------------------------------------------
  document.getElementById("kg-title").textContent = data.title;
  document.getElementById("kg-summary").textContent =
    data.nodes.length + " entities, " + data.edges.length + " relations";
  if (data.message) {
    var msg = document.getElementById("kg-message");
    msg.textContent = data.message;
    msg.hidden = false;
  }
  document.getElementById("kg-size-note").textContent = data.size_note;

  // --- legend and filters ----------------------------------------------------
  function counts(list, key) {
    var c = {};
    list.forEach(function (x) { var k = x[key]; c[k] = (c[k] || 0) + 1; });
    return c;
  }
  var sectorCounts = counts(data.nodes, "sector");
  var sectorList = document.getElementById("kg-legend-sectors");
  data.legend.sectors.forEach(function (s) {
    var li = el("li");
    var sw = el("span", null, "kg-swatch");
    sw.style.background = s.colour;
    li.appendChild(sw);
    li.appendChild(el("span", s.label + " "));
    li.appendChild(el("span", "(" + (sectorCounts[s.sector] || 0) + ")", "kg-count"));
    sectorList.appendChild(li);
  });

  var checkboxes = { type: {}, predicate: {}, cluster: {} };
  function addFilter(listId, kind, value, text, count, symbol, state, view, colour) {
    var li = el("li");
    var label = el("label");
    label.style.display = "inline";
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-kind", kind);
    box.setAttribute("data-value", String(value));
    box.addEventListener("change", function () {
      state[value] = box.checked;
      view.refresh();
    });
    checkboxes[kind][value] = box;
    label.appendChild(box);
    if (symbol) {
      var mark = el("span", symbol, "kg-shape");
      if (colour) { mark.style.color = colour; }
      label.appendChild(mark);
    }
    label.appendChild(el("span", text + " "));
    label.appendChild(el("span", "(" + count + ")", "kg-count"));
    li.appendChild(label);
    document.getElementById(listId).appendChild(li);
  }
  var typeCounts = counts(data.nodes, "type");
  data.legend.types.forEach(function (t) {
    addFilter("kg-filter-types", "type", t.type, t.type, typeCounts[t.type] || 0, t.symbol, typeOn, nodesView, t.colour);
  });
  var predicateCounts = counts(data.edges, "predicate");
  data.legend.predicates.forEach(function (p) {
    addFilter("kg-filter-predicates", "predicate", p, p, predicateCounts[p] || 0, null, predicateOn, edgesView);
  });
  if (data.legend.clusters.length) {
    document.getElementById("kg-clusters-section").hidden = false;
    var clusterCounts = counts(data.nodes, "cluster");
    data.legend.clusters.forEach(function (c) {
      addFilter("kg-filter-clusters", "cluster", c, "cluster " + c, clusterCounts[c] || 0, null, clusterOn, nodesView);
    });
  }

  // --- period ----------------------------------------------------------------
  var years = data.legend.years || [];
  if (years.length) {
    document.getElementById("kg-period-section").hidden = false;
    var fromBox = document.getElementById("kg-year-from");
    var toBox = document.getElementById("kg-year-to");
    var undatedBox = document.getElementById("kg-undated");
    var periodStatus = document.getElementById("kg-period-status");
    [fromBox, toBox].forEach(function (box) {
      box.min = years[0]; box.max = years[years.length - 1];
    });
    fromBox.value = years[0];
    toBox.value = years[years.length - 1];
    function applyPeriod() {
      var f = parseInt(fromBox.value, 10), t = parseInt(toBox.value, 10);
      period.from = isNaN(f) ? null : f;
      period.to = isNaN(t) ? null : t;
      period.undated = undatedBox.checked;
      period.active = period.from !== years[0] || period.to !== years[years.length - 1] || !period.undated;
      updatePeriodNodes();
      edgesView.refresh();
      nodesView.refresh();
      var shown = data.edges.filter(edgeInPeriod).length;
      periodStatus.textContent = shown + " of " + data.edges.length + " relations shown";
    }
    [fromBox, toBox, undatedBox].forEach(function (box) {
      box.addEventListener("change", applyPeriod);
      box.addEventListener("input", applyPeriod);
    });
    window.kgSetPeriod = function (from, to, undated) {
      fromBox.value = from === null ? "" : from;
      toBox.value = to === null ? "" : to;
      undatedBox.checked = undated !== false;
      applyPeriod();
    };
    periodStatus.textContent = data.edges.length + " relations; statements dated " +
      years[0] + (years.length > 1 ? "–" + years[years.length - 1] : "") +
      (data.legend.undated ? ", " + data.legend.undated + " undated" : "");
  }

  // --- search ----------------------------------------------------------------
  function norm(s) {
    return String(s).toLowerCase().normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "").replace(/[\s'’·\-_.]/g, "");
  }
  var index = [];  // [normalised key, node id, rank]; lower rank wins
  var datalist = document.getElementById("kg-names");
  var seen = {};
  function addKey(text, id, rank, offer) {
    if (!text) { return; }
    index.push([norm(text), id, rank]);
    if (offer && !seen[text]) {
      seen[text] = true;
      var option = el("option");
      option.value = text;
      datalist.appendChild(option);
    }
  }
  data.nodes.forEach(function (n) {
    addKey(n.name, n.id, 0, true);
    n.aliases.forEach(function (a) { addKey(a, n.id, 1, true); });
    addKey(n.pinyin, n.id, 2, false);
    addKey(n.initials, n.id, 3, false);
    (n.keys || []).forEach(function (k) { addKey(k, n.id, 2, false); });
  });

  function find(query) {
    var q = norm(query);
    if (!q) { return null; }
    var best = null, bestScore = Infinity;
    index.forEach(function (entry) {
      var key = entry[0], score;
      if (key === q) { score = entry[2]; }
      else if (key.indexOf(q) === 0) { score = 10 + entry[2]; }
      else if (key.indexOf(q) > 0) { score = 20 + entry[2]; }
      else { return; }
      if (score < bestScore || (score === bestScore && key.length < best[0].length)) {
        best = entry;
        bestScore = score;
      }
    });
    return best ? best[1] : null;
  }

  function reveal(id) {
    var m = meta[id];
    var changed = false;
    if (typeOn[m.type] === false) { typeOn[m.type] = true; checkboxes.type[m.type].checked = true; changed = true; }
    if (m.cluster !== null && clusterOn[m.cluster] === false) {
      clusterOn[m.cluster] = true; checkboxes.cluster[m.cluster].checked = true; changed = true;
    }
    if (changed) { nodesView.refresh(); }
  }

  function focusNode(id) {
    reveal(id);
    network.selectNodes([id]);
    var scale = Math.max(network.getScale(), 1.2);
    // vis stops its animation a frame short of the goal: snap to it at the end
    network.once("animationFinished", function () {
      network.moveTo({ position: network.getPositions([id])[id], scale: scale });
    });
    network.focus(id, { scale: scale, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    window.kgFocused = id;
  }

  var status = document.getElementById("kg-search-status");
  document.getElementById("kg-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var query = document.getElementById("kg-search").value;
    var id = find(query);
    if (id === null) {
      status.textContent = "No entity matches “" + query + "”.";
      return;
    }
    status.textContent = "Found: " + meta[id].name;
    focusNode(id);
  });

  // --- connect pages: the list of paths --------------------------------------
  if (data.paths.length) {
    document.getElementById("kg-paths").hidden = false;
    var pathList = document.getElementById("kg-path-list");
    data.paths.forEach(function (p) {
      var li = el("li", p.text);
      li.addEventListener("click", function () {
        network.setSelection({ nodes: p.nodes, edges: p.edges });
        network.fit({ nodes: p.nodes, animation: { duration: 400 } });
      });
      pathList.appendChild(li);
    });
  }

  window.kgNetwork = network;
  window.kgNodes = nodes;
  window.kgEdges = edges;
  window.kgNodesView = nodesView;
  window.kgEdgesView = edgesView;
  window.kgFind = find;
  window.kgFocus = focusNode;
}());
