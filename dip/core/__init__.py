"""What every feature may use: roles and scoping, one-time form tokens, money, pages."""
