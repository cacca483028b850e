"""Local stand-ins for the things a newcomer would otherwise need an account for (a REST API to try)."""
