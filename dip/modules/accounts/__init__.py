"""Users, roles, sign-in and sign-out, reset codes, shared-machine session rules."""
