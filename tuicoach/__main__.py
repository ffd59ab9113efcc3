from tuicoach.cli import main

raise SystemExit(main())
