"""Everything golive asks of git, and the one way it starts git (`runner`).

A repository is untrusted input: every git command runs through `runner` (hardened environment,
C locale, timeouts, no program the repository configures, stdin closed). The package sits below
the scan, the checklists and the records and imports none of them.
"""
