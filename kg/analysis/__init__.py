"""Graph analysis over the store: the projection to networkx, brokerage,
clusters, paths between entities, cards, timelines and periods, and the
cache of their results per store state."""
