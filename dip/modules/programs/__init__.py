"""Sites, cohorts, enrolments and the people placed in them."""
