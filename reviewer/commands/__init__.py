"""Sub-commands of `reviewer`. Each module defines ``register(subparsers)``.

Add a new command by adding its module name here; keep module top-level imports
light (argparse only) so `reviewer --help` and `reviewer review` start fast.
"""

COMMAND_MODULES = [
    "review",
    "rules",
    "rule",
    "serve",
    "worker",
    "dev",
    "submit",
    "apikey",
    "batch",
    "admin",
]
