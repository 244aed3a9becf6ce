"""RQ job functions: thin, ids in, a service call."""
