"""The version, a literal so that editable installs never report a stale one."""

__all__ = ["__version__"]

__version__ = "0.1.0"
