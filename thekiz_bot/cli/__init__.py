"""The command line: one argparse tree for run, ask, chat, check, eval, events, announce, import and report."""
