"""Earnings log, exchange rates, statement imports and monthly income progression."""
