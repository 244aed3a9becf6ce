"""Assignments, submissions, grading, gradebook, attendance, completion and certificates."""
