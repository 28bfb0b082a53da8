"""The Fachstelle's offline tools: handbook import, gap check, question report, YAML editing."""
