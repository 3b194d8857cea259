"""Full-text search over the knowledge base, the typical cases and the public consultations:
Chinese word segmentation (``segmentation``), the index (``index``) and the queries
(``query``). See docs/experts.md, "Knowledge base and search"."""
