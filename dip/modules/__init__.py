"""Feature packages, one blueprint each."""
