from golive_tui.cli import entry

entry()
