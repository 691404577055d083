"""The machine API (/api/v1/): the HTTP layer for partners' and certifiers' systems.

Like `acquis.www` for browsers, it imports the domain and never the reverse; every write
goes through the domain's verbs (same rules as the screens). docs/api.md says how to use it.
"""
