"""`python -m bot` runs the CLI where the `complaintdesk` script is not on PATH (issue 17)."""

from bot.cli import main

if __name__ == "__main__":
    main()
