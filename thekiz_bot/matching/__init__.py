"""Matching a question to an answer.

Index, scoring, decision, small talk, contacts, rendering and evaluation.
"""
