/* kg central labels: the most central entities keep a readable label at
 * every zoom.
 *
 * vis-network stops drawing a node's label once its font would be smaller
 * than scaling.label.drawThreshold - 1 pixels on screen (the pages set it so
 * that no label under 10 px is drawn), so a zoomed-out overview of a few
 * hundred entities would show no name at all.  When that is
 * the case, kgLabelCentral draws the labels of the given entities (most
 * central first) itself, after vis has drawn, at a fixed screen size,
 * skipping a label that would cover one already drawn.  Each item is
 * {id, label, colour (optional: a faded entity's is grey)}.
 *
 * Used by the kg view and connect pages (inlined before viewer.js) and by
 * kg serve's page (/static/labels.js).  Text reaches the canvas only through
 * fillText: it is never parsed as markup.
 */
(function () {
  "use strict";
  window.kgLabelCentral = function (network, ranked, settings) {
    settings = settings || {};
    var fontSize = settings.fontSize || 14;      // the nodes' own font size
    var threshold = settings.drawThreshold || 6; // scaling.label.drawThreshold
    var screenSize = settings.screenSize || 12;  // the drawn labels, in pixels
    var list = ranked.slice();
    network.on("afterDrawing", function (ctx) {
      var scale = network.getScale();
      var drawn = [];
      window.kgCentralDrawn = drawn;
      // vis draws every label at full strength from `threshold` px on screen,
      // fades them in over the pixel below, and draws none under that
      if (fontSize * scale >= threshold) { return; }
      var px = screenSize / scale;
      var shown = {};
      network.body.nodeIndices.forEach(function (id) { shown[id] = true; });
      var boxes = [];
      ctx.save();
      ctx.font = px + "px system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.lineJoin = "round";
      ctx.lineWidth = 4 / scale;
      ctx.strokeStyle = "#ffffff";
      list.forEach(function (item) {
        var node = network.body.nodes[item.id];
        if (!node || !shown[item.id]) { return; }
        var text = String(item.label);
        var w = ctx.measureText(text).width;
        var x = node.x;
        var y = node.y + (node.options.size || 10) + 3 / scale;
        var box = [x - w / 2, y, x + w / 2, y + px * 1.2];
        var clash = boxes.some(function (b) {
          return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3];
        });
        if (clash) { return; }
        boxes.push(box);
        ctx.fillStyle = item.colour || settings.colour || "#222222";
        ctx.strokeText(text, x, y);
        ctx.fillText(text, x, y);
        drawn.push(item.id);
      });
      ctx.restore();
    });
  };
}());
