"""`python -m claimwatch`: the same command line as the `claimwatch` script."""

from claimwatch.cli import main

if __name__ == "__main__":
    main()
