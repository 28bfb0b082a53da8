"""Matching a question to an answer: index, scoring, decision, small talk, contacts, rendering and evaluation."""
