"""`python -m thekiz_bot [run|ask|chat|check|eval|...]`: the same command line as `bot.py`."""

import sys

from thekiz_bot.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
