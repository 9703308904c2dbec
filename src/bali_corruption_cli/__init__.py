"""bcc: a reference CLI on corruption as a facilitator of trafficking in persons and people smuggling."""

__version__ = "0.1.0"
