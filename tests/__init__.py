"""Tests of the DIP Platform."""
