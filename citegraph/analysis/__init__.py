"""Graph analytics with networkx, computed on projections out of Neo4j and written back."""
