"""The Civitas benchmark suite: ``python -m bench --scale small --db sqlite`` (docs/performance.md)."""
