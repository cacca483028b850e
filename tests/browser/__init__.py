"""The web console in headless Chromium.

A package, so that its package-scoped fixtures (the browser among them) end with its last test: while
Playwright's sync API is open it keeps an event loop running in the main thread, which asyncio tests that run
later would trip over.
"""
