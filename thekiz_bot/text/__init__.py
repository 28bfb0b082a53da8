"""Normalising German text.

The one place where spelling variants, umlauts, gender forms and compounds collapse.
"""
