"""Who meets whom: co-attendance graphs of parties, people or countries, their centrality and
communities, written as GraphML or GEXF for Gephi."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import networkx as nx
import pandas as pd

from liaison.analyze.common import select_events
from liaison.frames import RecordFrames

KINDS = ("party", "person", "country", "organization")
GRAPH_FORMATS = ("graphml", "gexf")


def network(rec: RecordFrames, of: str = "party", event=None, series=None) -> nx.Graph:
    """Nodes are parties, people, organizations or countries that took part in the chosen events; two are
    linked when they took part in the same event. Node attributes: label, type, country, events (how
    many events); edge attributes: weight (shared events), events (their ids, ";"-joined).
    For countries, a country takes part through any participant from it (party, person, the country)."""
    if of not in KINDS:
        raise ValueError(f"network of {of!r}: use one of {', '.join(KINDS)}")
    evs = select_events(rec, event, series)
    parts = rec.record.participations(event_ids=None if not (event or series) else [e["id"] for e in evs])
    ents = {e["id"]: e for e in rec.record.entities_by_ids({p["entity"] for p in parts})}
    graph = nx.Graph(kind=of)
    members: dict[str, set] = defaultdict(set)
    for p in parts:
        ent = ents.get(p["entity"])
        if ent is None:
            continue
        if of == "country":
            if not ent["country"]:
                continue
            node = ent["country"]
            if node not in graph:
                from liaison.analyze.countries import info

                graph.add_node(node, label=info(node)["country_name"] or node, type="country", country=node)
        else:
            if ent["type"] != of:
                continue
            node = ent["id"]
            graph.add_node(node, label=ent["name"], type=ent["type"], country=ent["country"] or "")
        members[p["event"]].add(node)
    for event_id in sorted(members):
        ordered = sorted(members[event_id])
        for node in ordered:
            graph.nodes[node]["events"] = graph.nodes[node].get("events", 0) + 1
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                if graph.has_edge(a, b):
                    graph[a][b]["weight"] += 1
                    graph[a][b]["events"] += ";" + event_id
                else:
                    graph.add_edge(a, b, weight=1, events=event_id)
    return graph


def centrality(graph: nx.Graph) -> pd.DataFrame:
    """One row per node: degree (neighbours), weighted degree (shared events summed), betweenness
    (normalised, unweighted), and community (greedy modularity on weights; 0 is the largest)."""
    columns = ["node", "label", "type", "country", "events", "degree", "weighted_degree", "betweenness", "community"]
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=columns)
    between = nx.betweenness_centrality(graph)
    if graph.number_of_edges():
        groups = nx.algorithms.community.greedy_modularity_communities(graph, weight="weight")
    else:
        groups = [{n} for n in graph.nodes]
    groups = sorted(groups, key=lambda g: (-len(g), sorted(g)[0]))
    community = {n: i for i, g in enumerate(groups) for n in g}
    rows = [{"node": n, "label": a.get("label", n), "type": a.get("type"), "country": a.get("country") or None,
             "events": a.get("events", 0), "degree": graph.degree(n),
             "weighted_degree": graph.degree(n, weight="weight"), "betweenness": round(between[n], 6),
             "community": community[n]} for n, a in graph.nodes(data=True)]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["degree", "betweenness", "label"], ascending=[False, False, True]).reset_index(drop=True)


def save_graph(graph: nx.Graph, path: Path | str, fmt: str | None = None) -> Path:
    """Write a graph as GraphML or GEXF (by ``fmt`` or the file's suffix)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"cannot write a graph as {fmt!r}: use graphml or gexf")
    path.parent.mkdir(parents=True, exist_ok=True)
    (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(graph, path)
    return path


def write_graph(rec: RecordFrames, path: Path | str, fmt: str | None = None, of: str = "party",
                event=None, series=None) -> nx.Graph:
    """Build the co-attendance network of ``of`` and write it to ``path`` (GraphML or GEXF)."""
    graph = network(rec, of=of, event=event, series=series)
    save_graph(graph, path, fmt)
    return graph
