"""Indicators, surveys, reviewer dashboards and exports: aggregates only."""
