"""How the site shows things: formatting, Markdown, charts, structured data, widgets."""
