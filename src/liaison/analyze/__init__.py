"""Analyses of the record: who attends, who meets whom, what is said, which numbers are claimed.

Every function takes a :class:`liaison.frames.RecordFrames` (``liaison.open(db)``) first and returns
a pandas DataFrame or a networkx graph; they only read the record.
"""

from liaison.analyze.attendance import attendance
from liaison.analyze.figures import figures
from liaison.analyze.messaging import contrast, messaging
from liaison.analyze.network import centrality, network, write_graph

__all__ = ["attendance", "centrality", "contrast", "figures", "messaging", "network", "write_graph"]
