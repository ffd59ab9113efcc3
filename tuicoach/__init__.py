"""tuicoach: a terminal client for business accounts on X, with a coach."""

__version__ = "0.1.0"
