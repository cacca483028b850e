"""A function whose module fails to load: every call is an error (Runtime.ImportModuleError)."""

raise RuntimeError("this module cannot be imported")
