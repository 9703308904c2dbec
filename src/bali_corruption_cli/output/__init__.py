"""Output for people and for scripts: tables, pages, machine formats, the HTML report."""
