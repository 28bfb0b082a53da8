"""Entry point: `python bot.py [run|ask|chat|check|eval|...]`."""

import sys

from thekiz_bot.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
