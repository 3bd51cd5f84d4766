"""Open data building blocks: the download engine (CSV, JSON, COPY), the formula rule, Atom, the API's base."""
