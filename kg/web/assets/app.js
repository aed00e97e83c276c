/* kg serve: the page over the JSON API (see kg/server.py).
 *
 * Safety rule of this file, as of the viewer's: text from the store (names,
 * aliases, sentences, documents, SPARQL values) only ever reaches the page
 * through textContent, DOM properties or vis-network's canvas labels, never
 * parsed as markup; links are built from "#…" plus encodeURIComponent.
 *
 * Routes live in location.hash: #entity/NAME, #connect/X/Y, #brokers,
 * #clusters, #sparql.  What tests use is on window.kgApp: the network and
 * its DataSets, and `state`, set to "entity:NAME", "connect:X|Y",
 * "brokers", "clusters", "sparql" or "overview" once that view is drawn.
 */
(function () {
  "use strict";
  var app = window.kgApp = { state: "loading", network: null, nodes: null, edges: null, data: null };
  var meta = { types: [], predicates: [] };
  var filterOn = { types: {}, predicates: {} };

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }
  function entityLink(name) {
    var a = el("a", name);
    a.href = "#entity/" + encodeURIComponent(name);
    return a;
  }
  function num(x) { return x === null || x === undefined ? "–" : Number(x).toPrecision(3); }
  function status(text) { $("kg-status").textContent = text || ""; }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null && params[k] !== "") {
        parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(params[k]));
      }
    });
    return parts.length ? "?" + parts.join("&") : "";
  }
  function api(path, params) {
    return fetch(path + query(params || {}), { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) {
            var err = new Error(body.error ? body.error.line : ("HTTP " + r.status));
            err.body = body;
            throw err;
          }
          return body;
        });
      });
  }
  function filters() {
    var out = {};
    ["types", "predicates"].forEach(function (kind) {
      var off = meta[kind].filter(function (v) { return filterOn[kind][v] === false; });
      if (off.length) {
        out[kind] = meta[kind].filter(function (v) { return filterOn[kind][v] !== false; }).join(",");
      }
    });
    return out;
  }
  function withFilters(params) {
    var out = Object.assign({}, params, filters());
    ["since", "until"].forEach(function (k) {
      var v = $("kg-" + k).value.trim();
      if (v) { out[k] = v; }
    });
    return out;
  }

  // --- the graph -----------------------------------------------------------------
  var drawThreshold = 11;   // as the viewer: labels under 10 px are left to labels.js
  function draw(data) {
    app.data = data;
    var tips = {};
    var nodeItems = data.nodes.map(function (n) {
      var item = Object.assign({}, n.vis);
      var tip = el("div");
      tip.appendChild(el("strong", n.name));
      tip.appendChild(el("div", n.type + " · " + n.sector));
      item.title = tip;
      tips[n.id] = n;
      return item;
    });
    var edgeItems = data.edges.map(function (e) {
      var item = Object.assign({}, e.vis);
      var tip = el("div");
      tip.appendChild(el("strong", e.subject + " —" + e.predicate + "→ " + e.object));
      if (e.evidence.length) { tip.appendChild(el("div", e.evidence[0].sentence)); }
      item.title = tip;
      return item;
    });
    if (app.network) { app.network.destroy(); }
    app.nodes = new vis.DataSet(nodeItems);
    app.edges = new vis.DataSet(edgeItems);
    var options = {
      autoResize: true,
      nodes: { borderWidth: 1,
        font: { size: 14, face: "system-ui, Noto Sans CJK SC, sans-serif", strokeWidth: 3, strokeColor: "#ffffff" },
        scaling: { label: { enabled: false, drawThreshold: drawThreshold } } },
      edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } },
        color: { color: data.style.edge_colour, highlight: data.style.highlight_colour, inherit: false },
        font: { size: 10, align: "middle", color: "#555555", strokeWidth: 3, strokeColor: "#ffffff" },
        smooth: data.large ? false : { enabled: true, type: "continuous", roundness: 0.2 } },
      interaction: { hover: true, tooltipDelay: 150 },
      physics: false
    };
    var network = new vis.Network($("kg-graph"), { nodes: app.nodes, edges: app.edges }, options);
    app.network = network;
    window.kgLabelCentral(network, data.nodes.filter(function (n) { return n.rank !== null && n.rank !== undefined; })
      .sort(function (a, b) { return a.rank - b.rank; })
      .map(function (n) {
      var faded = data.paths && data.paths.length && !n.highlight;
      return { id: n.id, label: n.name, colour: faded ? "#9a9a9a" : null };
    }),
      { fontSize: 14, drawThreshold: drawThreshold });
    network.on("click", function (params) {
      if (params.nodes.length) {
        location.hash = "#entity/" + encodeURIComponent(tips[params.nodes[0]].name);
      }
    });
    var onPaths = data.nodes.filter(function (n) { return n.highlight; }).map(function (n) { return n.id; });
    if (data.paths && data.paths.length && onPaths.length > 1) { network.fit({ nodes: onPaths }); }
    $("kg-graph-note").textContent = (data.message ? data.message + " · " : "") +
      data.nodes.length + " entities, " + data.edges.length + " relations · " + data.size_note;
    return new Promise(function (resolve) {
      network.once("afterDrawing", function () { resolve(); });
      network.redraw();
    });
  }

  // --- an entity -----------------------------------------------------------------
  function evidenceList(items) {
    var ul = el("ul", null, "kg-ev");
    items.forEach(function (ev) {
      // as the CLI prints them: the line breaks of PDF text dropped
      var li = el("li", (ev.sentence || "").replace(/\s*\n\s*/g, ""));
      li.appendChild(el("div", ev.doc || "", "kg-doc"));
      ul.appendChild(li);
    });
    return ul;
  }
  function statement(r, self) {
    var div = el("div", null, "kg-stmt");
    var head = el("div");
    head.appendChild(r.subject === self ? el("span", r.subject) : entityLink(r.subject));
    head.appendChild(el("span", " —" + r.predicate + "→ "));
    head.appendChild(r.object === self ? el("span", r.object) : entityLink(r.object));
    if (r.title) { head.appendChild(el("span", " (" + r.title + ")", "kg-note")); }
    div.appendChild(head);
    div.appendChild(evidenceList(r.evidence || []));
    return div;
  }
  function showCard(c) {
    var box = clear($("kg-card"));
    clear($("kg-paths"));
    if (c.guessed_from) {
      box.appendChild(el("p", "No entity is named " + c.guessed_from + ": showing the closest match.", "kg-note kg-guess"));
    }
    box.appendChild(el("h2", c.name));
    box.appendChild(el("div", c.type + " · " + c.sector, "kg-note"));
    if (c.aliases.length) { box.appendChild(el("div", "aliases: " + c.aliases.join("、"))); }
    if (c.pinyin) { box.appendChild(el("div", "pinyin: " + c.pinyin + " (" + c.initials + ")", "kg-note")); }
    if (c.cluster) {
      var cl = el("div", "cluster ");
      var a = el("a", "[" + c.cluster.id + "] " + c.cluster.label);
      a.href = "#clusters";
      cl.appendChild(a);
      cl.appendChild(el("span", " (" + c.cluster.size + " members)", "kg-note"));
      box.appendChild(cl);
    }
    if (c.broker) {
      var b = c.broker;
      box.appendChild(el("div", "broker rank " + b.rank + ": uni→ind " + num(b.university_industry) +
        ", uni→gov " + num(b.university_government) + ", betweenness " + num(b.betweenness) +
        ", constraint " + num(b.constraint) + ", effective size " + num(b.effective_size)));
    }
    box.appendChild(el("div", "documents: " + c.docs.join(", "), "kg-doc"));
    box.appendChild(el("h3", "Statements (" + (c.out.length + c["in"].length) + ")"));
    c.out.concat(c["in"]).forEach(function (r) { box.appendChild(statement(r, c.name)); });
  }
  function openEntity(name, hops) {
    status("");
    $("kg-search").value = name;
    if (hops) { $("kg-hops").value = String(hops); }
    var h = $("kg-hops").value;
    return Promise.all([api("/api/entity/" + encodeURIComponent(name), withFilters({})),
                        api("/api/view", withFilters({ around: name, hops: h }))])
      .then(function (got) {
        showCard(got[0]);
        return draw(got[1]).then(function () {
          var ids = app.nodes.get({ filter: function (n) { return n.label === got[0].name; } });
          if (ids.length) { app.network.selectNodes([ids[0].id]); }
          app.state = "entity:" + got[0].name;
        });
      })
      .catch(function (err) { status(err.message); app.state = "error"; });
  }

  // --- who connects --------------------------------------------------------------
  function showPaths(answer) {
    var box = clear($("kg-paths"));
    clear($("kg-card"));
    box.appendChild(el("h2", answer.source + " ↔ " + answer.target));
    if (!answer.paths.length) { box.appendChild(el("p", "No path within the hops asked for.")); }
    answer.paths.forEach(function (p, i) {
      var div = el("div", null, "kg-path");
      var head = el("div");
      head.appendChild(el("strong", (i + 1) + ". (" + p.length + " hops) "));
      p.nodes.forEach(function (n, j) {
        if (j) { head.appendChild(el("span", " – ")); }
        head.appendChild(entityLink(n));
      });
      div.appendChild(head);
      p.hops.forEach(function (hop) { div.appendChild(statement(hop, null)); });
      box.appendChild(div);
    });
    if (answer.intermediaries.length) {
      box.appendChild(el("div", "Intermediaries: " + answer.intermediaries.map(function (x) {
        return x[0] + " (" + x[1] + ")"; }).join(", "), "kg-note"));
    }
    if (answer.excluded_hubs.length) {
      box.appendChild(el("div", "Hubs not used as intermediaries: " + answer.excluded_hubs.join(", "), "kg-note"));
    }
  }
  function openConnect(x, y) {
    status("");
    $("kg-x").value = x;
    $("kg-y").value = y;
    var params = withFilters({ x: x, y: y, max_hops: $("kg-max-hops").value });
    return Promise.all([api("/api/connect", params), api("/api/view", params)])
      .then(function (got) {
        showPaths(got[0]);
        return draw(got[1]).then(function () { app.state = "connect:" + got[0].source + "|" + got[0].target; });
      })
      .catch(function (err) { status(err.message); app.state = "error"; });
  }

  // --- tables --------------------------------------------------------------------
  function table(headers, rows) {
    var t = el("table");
    var tr = el("tr");
    headers.forEach(function (h) { tr.appendChild(el("th", h)); });
    t.appendChild(tr);
    rows.forEach(function (cells) {
      var r = el("tr");
      cells.forEach(function (c) {
        var td = el("td");
        if (c instanceof Node) { td.appendChild(c); }
        else { td.textContent = c === null || c === undefined ? "" : String(c); }
        if (typeof c === "number") { td.className = "kg-num"; }
        r.appendChild(td);
      });
      t.appendChild(r);
    });
    return t;
  }
  function openBrokers() {
    return api("/api/brokers", withFilters({ top: 50 })).then(function (rows) {
      var box = clear($("kg-brokers"));
      box.appendChild(el("h2", "Brokers between universities, industry and government"));
      box.appendChild(table(["#", "entity", "type", "sector", "uni→ind", "uni→gov", "betweenness", "constraint", "eff. size"],
        rows.map(function (r, i) {
          return [i + 1, entityLink(r.name), r.type, r.sector, num(r.university_industry),
                  num(r.university_government), num(r.betweenness), num(r.constraint), num(r.effective_size)];
        })));
      app.state = "brokers";
    }).catch(function (err) { status(err.message); });
  }
  function openClusters() {
    return api("/api/clusters", withFilters({})).then(function (result) {
      var box = clear($("kg-clusters"));
      box.appendChild(el("h2", result.clusters.length + " clusters (" + result.method + ", modularity " + num(result.modularity) + ")"));
      box.appendChild(table(["id", "label", "members", "mostly", "central members"],
        result.clusters.map(function (c) {
          var span = el("span");
          c.members.slice(0, 12).forEach(function (m, j) {
            if (j) { span.appendChild(el("span", "、")); }
            span.appendChild(entityLink(m));
          });
          if (c.members.length > 12) { span.appendChild(el("span", " …")); }
          return [c.id, c.label, c.size, c.dominant_sectors.join(" + "), span];
        })));
      app.state = "clusters";
    }).catch(function (err) { status(err.message); });
  }

  // --- SPARQL --------------------------------------------------------------------
  function downloadLinks() {
    var q = $("kg-query").value;
    $("kg-download-csv").href = "/sparql" + query({ query: q, format: "csv", download: 1 });
    $("kg-download-json").href = "/sparql" + query({ query: q, format: "json", download: 1 });
  }
  /* The session token this server put in the page: it proves a change
   * (a SPARQL update) comes from this page, not from another site's form. */
  function sessionToken() {
    var meta = document.querySelector('meta[name="kg-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function runSparql() {
    var q = $("kg-query").value;
    downloadLinks();
    var box = clear($("kg-sparql-result"));
    return fetch("/sparql", { method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json, text/turtle;q=0.9",
                 "X-KG-Token": sessionToken() },
      body: (/^\s*(PREFIX[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b/i.test(q) ? "update=" : "query=")
            + encodeURIComponent(q) })
      .then(function (r) {
        var cut = r.headers.get("X-KG-Truncated");
        return r.text().then(function (text) {
          if (!r.ok) { box.appendChild(el("pre", text, "kg-error")); app.state = "sparql"; return; }
          if (r.status === 204) { box.appendChild(el("p", "update done", "kg-note")); app.state = "sparql"; return; }
          if ((r.headers.get("Content-Type") || "").indexOf("json") < 0) {
            box.appendChild(el("pre", text));
          } else {
            var res = JSON.parse(text);
            if (res.boolean !== undefined) { box.appendChild(el("p", String(res.boolean))); }
            else {
              var vars = res.head.vars;
              box.appendChild(el("p", res.results.bindings.length + " rows" + (cut ? " (" + cut + ")" : ""), "kg-note"));
              box.appendChild(table(vars, res.results.bindings.map(function (b) {
                return vars.map(function (v) { return b[v] ? b[v].value : ""; });
              })));
            }
          }
          app.state = "sparql";
        });
      });
  }

  // --- routing, search, filters ----------------------------------------------------
  function showTab(tab) {
    document.querySelectorAll("[class*='kg-tab-']").forEach(function (node) {
      node.hidden = !node.classList.contains("kg-tab-" + tab);
    });
    document.querySelectorAll("#kg-tabs a").forEach(function (a) {
      a.classList.toggle("kg-on", a.getAttribute("data-tab") === tab);
    });
  }
  function route() {
    var hash = location.hash.replace(/^#/, "");
    var parts = hash.split("/").map(function (p) {
      try { return decodeURIComponent(p); } catch (e) { return p; }
    });
    app.state = "loading";
    if (parts[0] === "entity" && parts[1]) { showTab("explore"); return openEntity(parts[1]); }
    if (parts[0] === "connect") {
      showTab("connect");
      if (parts[1] && parts[2]) { return openConnect(parts[1], parts[2]); }
      app.state = "connect"; return;
    }
    if (parts[0] === "brokers") { showTab("brokers"); return openBrokers(); }
    if (parts[0] === "clusters") { showTab("clusters"); return openClusters(); }
    if (parts[0] === "sparql") { showTab("sparql"); downloadLinks(); app.state = "sparql"; return; }
    showTab("explore");
    clear($("kg-card")).appendChild(el("p", "Search an entity, or click one in the graph.", "kg-note"));
    clear($("kg-paths"));
    return api("/api/view", withFilters({})).then(draw).then(function () { app.state = "overview"; })
      .catch(function (err) { status(err.message); });
  }

  var suggestTimer = null;
  function suggest(event) {
    var q = event.target.value;
    clearTimeout(suggestTimer);
    if (!q.trim()) { return; }
    suggestTimer = setTimeout(function () {
      api("/api/search", { q: q, limit: 10 }).then(function (found) {
        var list = clear($("kg-suggest"));
        found.forEach(function (r) {
          var o = el("option");
          o.value = r.name;
          o.label = r.type + (r.aliases.length ? " · " + r.aliases.slice(0, 3).join("、") : "");
          list.appendChild(o);
        });
      }).catch(function () {});
    }, 150);
  }
  function best(q) {
    return api("/api/search", withFilters({ q: q, limit: 1 })).then(function (found) {
      if (!found.length) { throw new Error("No entity matches “" + q + "”."); }
      return found[0].name;
    });
  }
  ["kg-search", "kg-x", "kg-y"].forEach(function (id) { $(id).addEventListener("input", suggest); });
  $("kg-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    best($("kg-search").value).then(function (name) {
      var target = "#entity/" + encodeURIComponent(name);
      if (location.hash === target) { route(); } else { location.hash = target; }
    }).catch(function (err) { status(err.message); });
  });
  $("kg-hops").addEventListener("change", function () { if (/^#entity\//.test(location.hash)) { route(); } });
  $("kg-connect-form").addEventListener("submit", function (event) {
    event.preventDefault();
    Promise.all([best($("kg-x").value), best($("kg-y").value)]).then(function (ends) {
      var target = "#connect/" + encodeURIComponent(ends[0]) + "/" + encodeURIComponent(ends[1]);
      if (location.hash === target) { route(); } else { location.hash = target; }
    }).catch(function (err) { status(err.message); });
  });
  ["kg-since", "kg-until"].forEach(function (id) { $(id).addEventListener("change", route); });
  $("kg-sparql-form").addEventListener("submit", function (event) { event.preventDefault(); runSparql(); });
  $("kg-query").addEventListener("input", downloadLinks);
  $("kg-endpoint").textContent = location.origin + "/sparql";

  function addFilters(kind, values) {
    var box = $("kg-filter-" + kind);
    values.forEach(function (v) {
      var label = el("label");
      var box2 = el("input");
      box2.type = "checkbox";
      box2.checked = true;
      box2.setAttribute("data-kind", kind);
      box2.setAttribute("data-value", v);
      box2.addEventListener("change", function () { filterOn[kind][v] = box2.checked; route(); });
      label.appendChild(box2);
      label.appendChild(el("span", " " + v));
      box.appendChild(label);
    });
  }
  api("/api/stats").then(function (s) {
    $("kg-stats").textContent = s.documents + " documents · " + s.entities + " entities · " +
      s.relations + " relations" + (s.read_only ? " · read-only" : "");
    meta.types = Object.keys(s.entities_by_type || {}).sort();
    meta.predicates = Object.keys(s.relations_by_predicate || {}).sort();
    addFilters("types", meta.types);
    addFilters("predicates", meta.predicates);
  }).catch(function () {});
  window.addEventListener("hashchange", route);
  route();
}());
