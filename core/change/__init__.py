"""Change over time: how each candidate's area changed across the dates of a run (per-date areas,
outlines, growth rate and first appearance), measured from the per-date probability bands."""
