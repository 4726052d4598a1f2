from kpidesk.cli import main

raise SystemExit(main())
