"""Normalising German text: the one place where spelling variants, umlauts, gender forms and compounds collapse."""
