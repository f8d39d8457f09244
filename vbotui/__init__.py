"""vbotui: a terminal client for the Veeam Backup for Microsoft 365 REST API."""

__version__ = "0.1.0"
