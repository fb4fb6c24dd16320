"""The scan: which files a repository holds, what the detectors find in them, and the cache that
makes the second scan cheap. `engine.scan` is the entry point; `detectors/` are pure functions over
file contents and never import the engine."""
