"""Run bcc as ``python -m bali_corruption_cli``."""

from bali_corruption_cli.entry import main

main()
