// Charts for the explorer: data comes from JSON islands the server rendered
// (escaped by Jinja's tojson); libraries are Vega-Lite and vis-network.
(function () {
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function embed(el, spec) {
    if (window.vegaEmbed) {
      window.vegaEmbed(el, spec, { actions: false, renderer: "svg" })
        .then(function () { el.setAttribute("data-rendered", "true"); })
        .catch(function (e) { el.textContent = "Chart unavailable: " + e; });
    }
  }
  var events = data("events-data");
  var timeline = document.getElementById("timeline");
  if (events && timeline) {
    embed(timeline, {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: "container", height: 220, data: { values: events },
      mark: { type: "circle", size: 140, opacity: 0.8 },
      encoding: {
        x: { field: "start", type: "temporal", title: null },
        y: { field: "kind", type: "nominal", title: null },
        color: { field: "kind", type: "nominal", legend: null },
        size: { field: "sources", type: "quantitative", title: "sources" },
        href: { field: "url", type: "nominal" },
        tooltip: [{ field: "name" }, { field: "start", type: "temporal" }, { field: "sources" }]
      },
      transform: [{ calculate: "'/events/' + datum.id", as: "url" }]
    });
  }
  var personal = data("timeline-data");
  var entityTimeline = document.getElementById("entity-timeline");
  if (personal && entityTimeline) {
    embed(entityTimeline, {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: "container", height: 120, data: { values: personal },
      mark: { type: "tick", thickness: 3, size: 30 },
      encoding: {
        x: { field: "start", type: "temporal", title: null },
        y: { field: "role", type: "nominal", title: null },
        color: { field: "kind", type: "nominal" },
        tooltip: [{ field: "event" }, { field: "start", type: "temporal" }, { field: "role" }]
      }
    });
  }
  var map = document.getElementById("map");
  var countries = data("map-data");
  if (map && countries) {
    embed(map, {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: "container", height: 420,
      projection: { type: "equalEarth" },
      layer: [
        { data: { url: "/vendor/countries-110m.json", format: { type: "topojson", feature: "countries" } },
          mark: { type: "geoshape", fill: "#eceae4", stroke: "#fff", strokeWidth: 0.5 } },
        { data: { url: "/vendor/countries-110m.json", format: { type: "topojson", feature: "countries" } },
          transform: [{ lookup: "id", from: { data: { values: countries }, key: "id",
                                              fields: ["country", "participations", "events"] } },
                      { filter: "datum.participations > 0" }],
          mark: { type: "geoshape", stroke: "#fff", strokeWidth: 0.5 },
          encoding: {
            color: { field: "participations", type: "quantitative", scale: { scheme: "blues" }, title: "participations" },
            tooltip: [{ field: "country" }, { field: "participations" }, { field: "events" }]
          } }
      ]
    });
  }
  var net = data("network-data");
  var netEl = document.getElementById("network");
  if (net && netEl && window.vis) {
    var nodes = new vis.DataSet(net.nodes.map(function (n) {
      return { id: n.id, label: n.label, value: n.events, title: n.label + ": " + n.events + " events" };
    }));
    var edges = new vis.DataSet(net.edges.map(function (e) {
      return { from: e.source, to: e.target, value: e.weight, title: e.weight + " shared events" };
    }));
    var graph = new vis.Network(netEl, { nodes: nodes, edges: edges }, {
      nodes: { shape: "dot", scaling: { min: 6, max: 30 }, font: { size: 13 } },
      edges: { color: { color: "#9ab", opacity: 0.6 }, scaling: { min: 1, max: 8 } },
      physics: { stabilization: { iterations: 150 } }
    });
    graph.once("stabilizationIterationsDone", function () { netEl.setAttribute("data-rendered", "true"); });
    graph.on("doubleClick", function (params) {
      if (params.nodes.length) {
        var id = params.nodes[0];
        window.location = net.of === "country" ? "/entities/cty-" + String(id).toLowerCase() : "/entities/" + id;
      }
    });
  }
})();
