"""The command line.

One argparse tree for run, ask, chat, check, eval, events, announce, import and report.
"""
