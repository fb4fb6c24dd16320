from golive_tui.cli import main

raise SystemExit(main())
