"""The core: errors and exit codes, the environment, bytes out, atomic writes, second processes."""
