"""Services: which `main` packages a repository deploys, and the code each one ships.

A repository often holds one service plus tools, examples and generators, or several services
sharing internal packages. Evidence, walks, records and gates are per service (docs/services.md).
"""
