"""Portfolio items, the public portfolio page, profile readiness and proposal drafts."""
